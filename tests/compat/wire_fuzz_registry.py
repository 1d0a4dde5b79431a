"""Generated calls to the model registry: registered models, versions, stages, aliases, tags."""

from __future__ import annotations

import wire_variants as v
from wire_fuzz import API, Corpus

MODELS = f"{API}/registered-models"
VERSIONS = f"{API}/model-versions"
RM = "{name}-rm"


def setup(corpus: Corpus) -> None:
    """A registered model with two versions and an alias."""
    corpus.once(
        "setup registered model",
        "POST",
        f"{MODELS}/create",
        {"name": RM, "tags": [{"key": "k", "value": "v"}], "description": "d"},
    )
    for source in ("s3://bucket/m1", "runs:/{run}/model"):
        body = {"name": RM, "source": source, "run_id": "{run}"}
        corpus.once(f"setup version {source}", "POST", f"{VERSIONS}/create", body)
    alias = {"name": RM, "alias": "champ", "version": "1"}
    corpus.once("setup alias", "POST", f"{MODELS}/alias", alias)


def registered_models(corpus: Corpus) -> None:
    """Create, get, rename, update, delete and tag registered models."""
    vary = corpus.vary
    create = {"name": "{name}-m{u}"}
    vary(
        "registered-models/create",
        "POST",
        f"{MODELS}/create",
        create,
        "name",
        [*v.name(256), ("taken", RM)],
    )
    vary(
        "registered-models/create",
        "POST",
        f"{MODELS}/create",
        create,
        "tags",
        v.entries(lambda key, value: {"key": key, "value": value}),
    )
    vary(
        "registered-models/create", "POST", f"{MODELS}/create", create, "description", v.text()[:10]
    )
    names = [
        ("valid", RM),
        ("missing", v.MISSING),
        ("empty", ""),
        ("unknown", "{name}-absent"),
        ("slash", "a/b"),
        ("unicode", "имя"),
    ]
    vary("registered-models/get", "GET", f"{MODELS}/get", {}, "name", names, in_query=True)
    for variant, new_name in [*v.name(256), ("taken", RM), ("same", "{name}-rv{u}")]:
        # The victim is named with the rename's token, so a rename only one server did
        # leaves names the read-backs recognise.
        token = f"{len(corpus.calls) + 1:04d}"
        victim = {"name": "{name}-rv" + token}
        corpus.once(
            f"registered-models/rename victim for {variant}", "POST", f"{MODELS}/create", victim
        )
        body = {**victim}
        if new_name is not v.MISSING:
            body["new_name"] = new_name
        corpus.once(
            f"registered-models/rename new_name={variant}", "POST", f"{MODELS}/rename", body
        )
    update = {"name": RM, "description": "x"}
    vary(
        "registered-models/update",
        "PATCH",
        f"{MODELS}/update",
        update,
        "description",
        v.text((1000,))[:10],
    )
    vary("registered-models/update", "PATCH", f"{MODELS}/update", update, "name", names[1:])
    tag = {"name": RM, "key": "k{u}", "value": "v"}
    vary("registered-models/set-tag", "POST", f"{MODELS}/set-tag", tag, "key", v.key())
    vary("registered-models/set-tag", "POST", f"{MODELS}/set-tag", tag, "value", v.text((100000,)))
    vary("registered-models/set-tag", "POST", f"{MODELS}/set-tag", tag, "name", names[1:])
    untag = {"name": RM, "key": "k"}
    vary(
        "registered-models/delete-tag",
        "DELETE",
        f"{MODELS}/delete-tag",
        untag,
        "key",
        [("valid", "k"), ("again", "k"), *v.key()[:6]],
    )
    vary("registered-models/delete-tag", "DELETE", f"{MODELS}/delete-tag", untag, "name", names[1:])
    corpus.once(
        "registered-models/delete victim", "POST", f"{MODELS}/create", {"name": "{name}-gone"}
    )
    gone = [("valid", "{name}-gone"), ("again", "{name}-gone"), *names[1:]]
    vary("registered-models/delete", "DELETE", f"{MODELS}/delete", {}, "name", gone)


def versions(corpus: Corpus) -> None:
    """Create, get, update, transition, tag and delete model versions."""
    vary = corpus.vary
    create = {"name": RM, "source": "s3://bucket/{u}"}
    sources = [
        *v.text()[:9],
        ("local-path", "/tmp/model"),
        ("file-uri", "file:///etc"),
        ("runs-uri-no-run-id", "runs:/{run}/model"),
        ("runs-uri-unknown-run", "runs:/" + "0" * 32 + "/model"),
        ("proxy-uri", "mlflow-artifacts:/{art}/dir"),
        ("proxy-traversal", "mlflow-artifacts:/{art}/../../x"),
        ("models-uri", "models:/{name}-rm/1"),
        ("models-uri-unknown", "models:/nope/1"),
        ("http", "http://example.com/x"),
        ("dummy", "dummy-source"),
    ]
    vary("model-versions/create", "POST", f"{VERSIONS}/create", create, "source", sources)
    vary(
        "model-versions/create",
        "POST",
        f"{VERSIONS}/create",
        {**create, "source": "runs:/{run}/model"},
        "run_id",
        v.identifier("{run}", "0" * 32),
    )
    vary(
        "model-versions/create",
        "POST",
        f"{VERSIONS}/create",
        create,
        "name",
        [
            ("missing", v.MISSING),
            ("null", None),
            ("empty", ""),
            ("unknown", "{name}-absent"),
            ("int", 5),
        ],
    )
    vary(
        "model-versions/create",
        "POST",
        f"{VERSIONS}/create",
        create,
        "tags",
        v.entries(lambda key, value: {"key": key, "value": value}),
    )
    vary("model-versions/create", "POST", f"{VERSIONS}/create", create, "description", v.text()[:8])
    vary(
        "model-versions/create",
        "POST",
        f"{VERSIONS}/create",
        create,
        "model_id",
        [("valid", "{model}"), ("unknown", "m-" + "0" * 32), ("empty", "")],
    )
    numbers = [
        ("valid", "1"),
        ("missing", v.MISSING),
        ("empty", ""),
        ("absent", "999"),
        ("word", "abc"),
        ("negative", "-1"),
        ("float", "1.5"),
        ("zero", "0"),
        ("huge", "99999999999999999999"),
        ("spaces", " 1 "),
    ]
    get = {"name": RM, "version": "1"}
    vary("model-versions/get", "GET", f"{VERSIONS}/get", get, "version", numbers, in_query=True)
    vary(
        "model-versions/get",
        "GET",
        f"{VERSIONS}/get",
        get,
        "name",
        [("missing", v.MISSING), ("unknown", "{name}-absent")],
        in_query=True,
    )
    vary(
        "model-versions/get-download-uri",
        "GET",
        f"{VERSIONS}/get-download-uri",
        get,
        "version",
        numbers[:5],
        in_query=True,
    )
    update = {"name": RM, "version": "2", "description": "x"}
    vary(
        "model-versions/update", "PATCH", f"{VERSIONS}/update", update, "description", v.text()[:9]
    )
    vary(
        "model-versions/update",
        "PATCH",
        f"{VERSIONS}/update",
        update,
        "version",
        [*numbers[1:], ("int", 2)],
    )
    stage = {"name": RM, "version": "2", "stage": "Staging", "archive_existing_versions": False}
    stages = [
        ("valid", "Staging"),
        ("lower", "production"),
        ("archived", "Archived"),
        ("none", "None"),
        ("none-lower", "none"),
        ("unknown", "bogus"),
        ("empty", ""),
        ("missing", v.MISSING),
        ("null", None),
        ("int", 1),
        ("deleted-internal", "Deleted_Internal"),
    ]
    path = f"{VERSIONS}/transition-stage"
    vary("model-versions/transition-stage", "POST", path, stage, "stage", stages)
    vary(
        "model-versions/transition-stage",
        "POST",
        path,
        {**stage, "stage": "Production"},
        "archive_existing_versions",
        v.boolean(),
    )
    vary("model-versions/transition-stage", "POST", path, stage, "version", numbers[1:])
    tag = {"name": RM, "version": "1", "key": "k{u}", "value": "v"}
    vary("model-versions/set-tag", "POST", f"{VERSIONS}/set-tag", tag, "key", v.key())
    vary("model-versions/set-tag", "POST", f"{VERSIONS}/set-tag", tag, "value", v.text((100000,)))
    vary("model-versions/set-tag", "POST", f"{VERSIONS}/set-tag", tag, "version", numbers[1:])
    untag = {"name": RM, "version": "1", "key": "k0000"}
    vary(
        "model-versions/delete-tag",
        "DELETE",
        f"{VERSIONS}/delete-tag",
        untag,
        "key",
        [("absent", "absent"), *v.key()[:6]],
    )
    vary(
        "model-versions/delete-tag",
        "DELETE",
        f"{VERSIONS}/delete-tag",
        untag,
        "version",
        numbers[1:],
    )
    latest = {"name": RM}
    stage_lists = [
        ("none", v.MISSING),
        ("staging", ["Staging"]),
        ("two", ["Staging", "None"]),
        ("lower", ["staging"]),
        ("unknown", ["bogus"]),
        ("empty", [""]),
    ]
    path = f"{MODELS}/get-latest-versions"
    vary("get-latest-versions GET", "GET", path, latest, "stages", stage_lists, in_query=True)
    vary(
        "get-latest-versions POST",
        "POST",
        path,
        latest,
        "stages",
        [*stage_lists, ("string", "Staging"), ("null", None)],
    )
    vary(
        "get-latest-versions POST",
        "POST",
        path,
        latest,
        "name",
        [("missing", v.MISSING), ("unknown", "{name}-absent"), ("int", 5)],
    )
    corpus.once(
        "model-versions/delete victim",
        "POST",
        f"{VERSIONS}/create",
        {"name": RM, "source": "s3://bucket/gone"},
    )
    delete = {"name": RM, "version": "3"}
    vary(
        "model-versions/delete",
        "DELETE",
        f"{VERSIONS}/delete",
        delete,
        "version",
        [("valid", "3"), ("again", "3"), *numbers[1:]],
    )


def aliases(corpus: Corpus) -> None:
    """Set, get and delete aliases."""
    path = f"{MODELS}/alias"
    alias = {"name": RM, "alias": "a{u}", "version": "1"}
    names = [
        ("latest", "latest"),
        ("latest-upper", "LATEST"),
        ("v-digits", "v1"),
        ("V-digits", "V2"),
        ("v-digits-word", "v1a"),
        ("space", "a b"),
        ("empty", ""),
        ("dash-underscore", "a-b_c{u}"),
        ("unicode", "ünï{u}"),
        ("at-limit", "{u}" + "a" * 251),
        ("over-limit", "{u}" + "a" * 252),
        ("slash", "a/b"),
        ("dot", "a.b"),
        ("null", None),
        ("missing", v.MISSING),
        ("int", 5),
    ]
    corpus.vary("alias POST", "POST", path, alias, "alias", names)
    versions = [
        ("absent", "999"),
        ("word", "abc"),
        ("negative", "-1"),
        ("float", "1.5"),
        ("empty", ""),
        ("int", 1),
        ("null", None),
        ("missing", v.MISSING),
    ]
    corpus.vary("alias POST", "POST", path, alias, "version", versions)
    corpus.vary(
        "alias POST",
        "POST",
        path,
        alias,
        "name",
        [("unknown", "{name}-absent"), ("missing", v.MISSING)],
    )
    lookups = [
        ("valid", "champ"),
        ("upper", "CHAMP"),
        ("absent", "nope"),
        ("latest", "latest"),
        ("empty", ""),
        ("missing", v.MISSING),
    ]
    corpus.vary("alias GET", "GET", path, {"name": RM}, "alias", lookups, in_query=True)
    corpus.vary(
        "alias GET",
        "GET",
        path,
        {"alias": "champ"},
        "name",
        [("unknown", "{name}-absent"), ("missing", v.MISSING)],
        in_query=True,
    )
    corpus.vary(
        "alias DELETE",
        "DELETE",
        path,
        {"name": RM},
        "alias",
        [
            ("absent", "nope"),
            ("valid", "a0000"),
            ("empty", ""),
            ("missing", v.MISSING),
            ("latest", "latest"),
        ],
    )
    corpus.vary(
        "alias DELETE", "DELETE", path, {"alias": "champ"}, "name", [("unknown", "{name}-absent")]
    )
