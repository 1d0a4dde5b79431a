"""``heron registered-models``: the model registry from the shell.

A separate noun from MLflow's ``mlflow models`` (which serves models): create, list, get,
rename and delete registered models; list their versions; move a version to a stage; set
aliases and tags. Each command is one client call and a line or a table of output.
"""

from __future__ import annotations

import json
from typing import Any

import click

from heron.cli.state import CliState, pass_state
from heron.cli.table import render_table
from heron.entities import PagedList
from heron.entities.registry import ModelVersion, RegisteredModel
from heron.exceptions import InvalidParameter
from heron.search import string_literal
from heron.tracking.pages import read_pages

PER_PAGE = 1000
VERSIONS_PER_PAGE = 10000

NAME = click.option("--name", "-n", required=True, help="The registered model's name.")
VERSION = click.option("--version", "-v", required=True, help="The version number.")


def _tags(pairs: tuple[str, ...]) -> dict[str, str]:
    """``KEY=VALUE`` pairs as a dictionary."""
    tags = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InvalidParameter(f"Tags are KEY=VALUE, got {pair!r}")
        tags[key] = value
    return tags


def _model_to_dict(model: RegisteredModel) -> dict[str, Any]:
    data = dict(model)
    data["latest_versions"] = [dict(version) for version in model.latest_versions]
    return data


@click.group("registered-models", short_help="Manage registered models and their versions.")
def registered_models() -> None:
    """Manage registered models and their versions (the model registry)."""


@registered_models.command("create")
@NAME
@click.option("--description", "-d", default=None, help="A description (Markdown).")
@click.option("--tag", "-t", "tags", multiple=True, metavar="KEY=VALUE", help="A tag; repeatable.")
@pass_state
def create(state: CliState, name: str, description: str | None, tags: tuple[str, ...]) -> None:
    """Create a registered model with no versions."""
    state.client().create_registered_model(name, _tags(tags), description)
    click.echo(f"Created registered model '{name}'.")


@registered_models.command("list")
@click.option("--filter", "-f", "filter_string", default=None, help="e.g. \"name LIKE 'rf%'\".")
@click.option("--order-by", "-o", multiple=True, help="e.g. 'name DESC'; repeatable.")
@click.option("--max-results", "-m", type=int, default=None, help="At most this many (all).")
@pass_state
def list_models(
    state: CliState, filter_string: str | None, order_by: tuple[str, ...], max_results: int | None
) -> None:
    """List registered models matching a filter, in a table."""
    client = state.client()

    def page(count: int, token: str | None) -> PagedList[RegisteredModel]:
        return client.search_registered_models(filter_string, count, list(order_by), token)

    rows = [
        (
            m.name,
            max((v.version for v in m.latest_versions), default=""),
            ", ".join(f"{alias}:{version}" for alias, version in sorted(m.aliases.items())),
            m.description or "",
        )
        for m in read_pages(page, PER_PAGE, max_results)
    ]
    click.echo(render_table(["Name", "Latest Version", "Aliases", "Description"], rows))


@registered_models.command("get")
@NAME
@pass_state
def get(state: CliState, name: str) -> None:
    """Print a registered model (latest versions, tags, aliases) as JSON."""
    model = state.client().get_registered_model(name)
    click.echo(json.dumps(_model_to_dict(model), indent=4, default=str))


@registered_models.command("rename")
@NAME
@click.option("--new-name", required=True, help="The new name.")
@pass_state
def rename(state: CliState, name: str, new_name: str) -> None:
    """Rename a registered model (its versions, tags and aliases follow)."""
    state.client().rename_registered_model(name, new_name)
    click.echo(f"Renamed registered model '{name}' to '{new_name}'.")


@registered_models.command("delete")
@NAME
@click.option("--version", "-v", default=None, help="Delete only this version.")
@pass_state
def delete(state: CliState, name: str, version: str | None) -> None:
    """Delete a registered model with all its versions, or one version (irrevocable)."""
    if version is None:
        state.client().delete_registered_model(name)
        click.echo(f"Deleted registered model '{name}'.")
    else:
        state.client().delete_model_version(name, version)
        click.echo(f"Deleted version {version} of registered model '{name}'.")


@registered_models.command("versions")
@NAME
@pass_state
def versions(state: CliState, name: str) -> None:
    """List a registered model's versions in a table, newest first."""
    client = state.client()
    client.get_registered_model(name)  # NotFound for a missing model, not an empty table
    query = f"name = {string_literal(name)}"

    def page(count: int, token: str | None) -> PagedList[ModelVersion]:
        return client.search_model_versions(query, count, None, token)

    rows = [
        (v.version, v.current_stage, ", ".join(v.aliases), v.run_id or "", v.source or "")
        for v in read_pages(page, VERSIONS_PER_PAGE, None)
    ]
    click.echo(render_table(["Version", "Stage", "Aliases", "Run Id", "Source"], rows))


@registered_models.command("transition")
@NAME
@VERSION
@click.option("--stage", "-s", required=True, help="None, Staging, Production or Archived.")
@click.option(
    "--archive-existing-versions",
    is_flag=True,
    help="Move the other versions in the target stage to Archived.",
)
@pass_state
def transition(
    state: CliState, name: str, version: str, stage: str, archive_existing_versions: bool
) -> None:
    """Move a version to a stage."""
    moved = state.client().registry_store.transition_model_version_stage(
        name, version, stage, archive_existing_versions
    )
    click.echo(f"Version {moved.version} of '{name}' is now in stage '{moved.current_stage}'.")


@registered_models.command("alias")
@NAME
@click.option("--alias", "-a", required=True, help="The alias, e.g. champion.")
@click.option("--version", "-v", default=None, help="The version to point it at.")
@click.option("--delete", "remove", is_flag=True, help="Remove the alias instead.")
@pass_state
def alias(state: CliState, name: str, alias: str, version: str | None, remove: bool) -> None:
    """Point an alias at a version (or remove it with --delete)."""
    if remove == (version is not None):
        raise click.UsageError("Give exactly one of --version and --delete.")
    if version is None:
        state.client().delete_registered_model_alias(name, alias)
        click.echo(f"Removed alias '{alias}' of '{name}'.")
    else:
        state.client().set_registered_model_alias(name, alias, version)
        click.echo(f"Alias '{alias}' of '{name}' now points at version {version}.")


@registered_models.command("tag")
@NAME
@click.option("--version", "-v", default=None, help="Tag this version instead of the model.")
@click.option("--key", "-k", required=True, help="The tag's key.")
@click.option("--value", default=None, help="The tag's value (omit with --delete).")
@click.option("--delete", "remove", is_flag=True, help="Remove the tag instead.")
@pass_state
def tag(
    state: CliState, name: str, version: str | None, key: str, value: str | None, remove: bool
) -> None:
    """Set (or with --delete remove) a tag of a registered model or of one version."""
    if remove == (value is not None):
        raise click.UsageError("Give exactly one of --value and --delete.")
    client = state.client()
    if version is None and value is not None:
        client.set_registered_model_tag(name, key, value)
    elif version is None:
        client.delete_registered_model_tag(name, key)
    elif value is not None:
        client.set_model_version_tag(name, version, key, value)
    else:
        client.delete_model_version_tag(name, version, key)
    target = f"'{name}'" if version is None else f"version {version} of '{name}'"
    click.echo(f"{'Removed' if remove else 'Set'} tag '{key}' of {target}.")
