"""Prebuilt model environments as archives: ``build_model_env``, ``archive_directory``,
``extract_archive_to_dir`` and :class:`EnvType`, with ``mlflow.pyfunc``'s names.

:func:`build_model_env` builds a model's Python environment with Heron's environment builder
(:mod:`heron.environments`) and packs it into ``<save_path>/<name>.tar.gz``; the name says
what the environment is for: ``heron-<content digest>-<python version>-<machine>``.
Archives keep symbolic links as links (virtual environments are full of them).
"""

from __future__ import annotations

import os
import platform
import shutil
import tarfile
import tempfile

from heron.exceptions import InvalidParameter

ARCHIVE_SUFFIX = ".tar.gz"
PREBUILT_ENV_MANAGERS = ("virtualenv", "uv")


class EnvType:
    """The kinds of environment files a model carries (``mlflow.pyfunc.EnvType``)."""

    CONDA = "conda"
    VIRTUALENV = "virtualenv"

    def __init__(self) -> None:
        raise NotImplementedError("This class is not meant to be instantiated.")


def archive_directory(input_dir: str, archive_file_path: str) -> str:
    """Pack the content of ``input_dir`` into a gzipped tar at ``archive_file_path``.

    Members are named relative to ``input_dir``; symbolic links are stored as links.

    Returns:
        The archive's absolute path.

    Raises:
        InvalidParameter: ``input_dir`` is not a directory.
    """
    if not os.path.isdir(input_dir):
        raise InvalidParameter(f"'{input_dir}' is not a directory")
    archive_file_path = os.path.abspath(archive_file_path)
    with tarfile.open(archive_file_path, "w:gz") as archive:
        for name in sorted(os.listdir(input_dir)):
            archive.add(os.path.join(input_dir, name), arcname=name)
    return archive_file_path


def extract_archive_to_dir(archive_path: str, dest_dir: str) -> str:
    """Unpack a tar archive into ``dest_dir`` (created when missing).

    Returns:
        ``dest_dir``.

    Raises:
        InvalidParameter: A member would land outside ``dest_dir`` (absolute or ``..``
            paths, or a path through a link), or the file is not a tar archive.
    """
    os.makedirs(dest_dir, exist_ok=True)
    root = os.path.realpath(dest_dir)
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for member in archive.getmembers():
                target = os.path.realpath(os.path.join(root, member.name))
                if target != root and not target.startswith(root + os.sep):
                    raise InvalidParameter(
                        f"Tar archive member {member.name!r} would be extracted outside "
                        "the destination directory."
                    )
                if member.isdev():
                    raise InvalidParameter(f"Tar archive member {member.name!r} is a device")
                archive.extract(member, root, filter="tar")
    except tarfile.TarError as error:
        raise InvalidParameter(f"'{archive_path}' is not a valid tar archive: {error}") from error
    return dest_dir


def build_model_env(model_uri: str, save_path: str, env_manager: str = "virtualenv") -> str:
    """Build a model's Python environment and save it as an archive under ``save_path``.

    Args:
        model_uri: Any model URI Heron loads.
        save_path: A directory (created when missing) that receives the archive.
        env_manager: ``virtualenv`` or ``uv``.

    Returns:
        The archive's path, ``<save_path>/heron-<digest>-<python>-<machine>.tar.gz``.

    Raises:
        InvalidParameter: ``save_path`` is a file, the archive already exists, or another
            environment manager.
        ExecutionException: Building the environment failed.
    """
    from heron.artifacts import download_model
    from heron.environments import EnvironmentSpec, prepare_environment

    if env_manager not in PREBUILT_ENV_MANAGERS:
        raise InvalidParameter(
            f"Invalid env_manager '{env_manager}'; a prebuilt model environment is built "
            f"with one of {list(PREBUILT_ENV_MANAGERS)}"
        )
    if os.path.isfile(save_path):
        raise InvalidParameter(f"The saving path '{save_path}' must be a directory.")
    with tempfile.TemporaryDirectory(prefix="heron-model-env-") as staging:
        model_dir = download_model(model_uri, os.path.join(staging, "model"))
        spec = EnvironmentSpec.from_directory(model_dir)
        name = f"heron-{spec.digest(env_manager)}-{spec.python_version()}-{platform.machine()}"
        destination = os.path.join(save_path, name + ARCHIVE_SUFFIX)
        if os.path.exists(destination):
            raise InvalidParameter(
                f"A pre-built model python environment already exists in '{destination}'. "
                "To rebuild it, please remove the existing one first."
            )
        os.makedirs(save_path, exist_ok=True)
        env = prepare_environment(
            spec, env_manager, root=os.path.join(staging, "envs"), link_running_heron=False
        )
        archive = archive_directory(str(env.prefix), os.path.join(staging, name + ARCHIVE_SUFFIX))
        shutil.move(archive, destination)
    return destination
