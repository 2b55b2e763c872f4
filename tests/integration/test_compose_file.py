"""docker-compose.yml must validate and keep secrets out of the repository, or a deploy fails late or leaks."""

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
REQUIRED_SECRETS = (
    "POSTGRES_PASSWORD",
    "OMBUD_APP_DB_PASSWORD",
    "OMBUD_WORKER_DB_PASSWORD",
    "OMBUD_MASTER_KEY",
    "OMBUD_AUDIT_SIGNING_KEY",
)
SERVICES = {"postgres", "redis", "migrate", "web", "worker", "otel-collector", "jaeger"}
REQUIRED_SECRET_REFERENCE = re.compile(
    r"\$\{(POSTGRES_PASSWORD|OMBUD_APP_DB_PASSWORD|OMBUD_WORKER_DB_PASSWORD|OMBUD_MASTER_KEY|OMBUD_AUDIT_SIGNING_KEY)"
    r":\?[^}]+\}"
)

Compose = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def compose(tmp_path: Path) -> Compose:
    """Run `docker compose` (or the standalone `docker-compose`) on the compose file, with only the variables a test passes."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30).returncode == 0:
        command = [docker, "compose"]
    elif shutil.which("docker-compose"):
        command = [str(shutil.which("docker-compose"))]
    else:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed to validate the file")
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.touch()

    def run(*args: str, env: Mapping[str, str], env_file: Path = empty_env_file) -> subprocess.CompletedProcess[str]:
        # A developer's real .env must not leak in: pass an explicit env file and strip the secrets.
        process_env = {name: value for name, value in os.environ.items() if name not in REQUIRED_SECRETS}
        process_env.update(env)
        return subprocess.run(
            [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args],
            cwd=REPO_ROOT,
            env=process_env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def env_example() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def unique_secrets() -> dict[str, str]:
    return {name: f"{name.lower()}-{secrets.token_hex(8)}" for name in REQUIRED_SECRETS}


def assert_production_shape(config: Mapping[str, Any]) -> None:
    services = config["services"]
    assert set(services) == SERVICES
    for name in ("postgres", "redis", "web"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_env_example_documents_exactly_the_required_secrets_with_placeholders() -> None:
    example = env_example()
    assert set(example) == set(REQUIRED_SECRETS)
    assert all(value.startswith("replace-with-") for value in example.values())


def test_compose_file_validates_with_the_variables_from_env_example(compose: Compose) -> None:
    result = compose("config", "--quiet", env={}, env_file=ENV_EXAMPLE)
    assert result.returncode == 0, result.stderr


def test_compose_file_validates_with_the_secrets_in_the_process_environment(compose: Compose) -> None:
    result = compose("config", "--quiet", env=env_example())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", REQUIRED_SECRETS)
def test_compose_config_fails_when_a_required_secret_is_unset(compose: Compose, missing: str) -> None:
    env = {name: value for name, value in env_example().items() if name != missing}
    result = compose("config", "--quiet", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_defines_every_service_with_healthchecks_and_the_migration_first(compose: Compose) -> None:
    result = compose("config", env=env_example())
    assert result.returncode == 0, result.stderr
    assert_production_shape(yaml.safe_load(result.stdout))


def test_secrets_in_the_resolved_config_are_the_values_passed_in_the_environment(compose: Compose) -> None:
    passed = unique_secrets()
    result = compose("config", env=passed)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == passed["POSTGRES_PASSWORD"]
    for name in ("migrate", "web", "worker"):
        environment = services[name]["environment"]
        assert environment["OMBUD_MASTER_KEY"] == passed["OMBUD_MASTER_KEY"]
        app_password = passed["OMBUD_APP_DB_PASSWORD"]
        assert environment["DATABASE_URL"] == f"postgresql://ombud_app:{app_password}@postgres:5432/ombud"
    # The worker's own login, which the migration creates; the web never holds it.
    worker_url = f"postgresql://ombud_worker:{passed['OMBUD_WORKER_DB_PASSWORD']}@postgres:5432/ombud"
    for name in ("migrate", "worker"):
        assert services[name]["environment"]["OMBUD_WORKER_DATABASE_URL"] == worker_url
    assert passed["OMBUD_WORKER_DB_PASSWORD"] not in str(services["web"]["environment"])
    # Only the worker signs the audit chain's checkpoints.
    assert services["worker"]["environment"]["OMBUD_AUDIT_SIGNING_KEY"] == passed["OMBUD_AUDIT_SIGNING_KEY"]
    assert "OMBUD_AUDIT_SIGNING_KEY" not in services["web"]["environment"]
    assert "OMBUD_AUDIT_SIGNING_KEY" not in services["migrate"]["environment"]


def test_only_the_migration_has_the_admin_login_and_the_web_and_worker_use_the_app_login(compose: Compose) -> None:
    passed = unique_secrets()
    result = compose("config", env=passed)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    admin = f"postgresql://ombud:{passed['POSTGRES_PASSWORD']}@postgres:5432/ombud"
    assert services["migrate"]["environment"]["OMBUD_ADMIN_DATABASE_URL"] == admin
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "ombud"
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert "OMBUD_ADMIN_DATABASE_URL" not in environment
        assert passed["POSTGRES_PASSWORD"] not in str(environment)


def test_the_compose_file_itself_holds_no_literal_secret() -> None:
    config = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert_production_shape(config)

    for service_name, service in config["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if variable in REQUIRED_SECRETS:
                assert REQUIRED_SECRET_REFERENCE.fullmatch(str(value)), f"{service_name}.{variable} is not ${{VAR:?…}}"
            if variable in ("DATABASE_URL", "OMBUD_ADMIN_DATABASE_URL", "OMBUD_WORKER_DATABASE_URL"):
                password = str(value).split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
                assert REQUIRED_SECRET_REFERENCE.fullmatch(password), (
                    f"{service_name}.DATABASE_URL has a literal password"
                )
    for secret_value in env_example().values():
        assert secret_value not in COMPOSE_FILE.read_text(encoding="utf-8")
