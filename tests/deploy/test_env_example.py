"""`.env.example` is the compose configuration's documentation: nothing the app reads is missing."""

import ast
import re

from tests.deploy.conftest import PROJECT_ROOT

# Read by the container's start-up scripts and by docker-compose.yml, not by settings.
DEPLOYMENT_VARIABLES = {
    "SEED_DEMO",
    "DB_WAIT_TIMEOUT",
    "WEB_PORT",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
}


def settings_variables() -> set[str]:
    """Names passed to django-environ in settings.py: `env("X")`, `env.db("X")`, `Env(X=…)`."""
    tree = ast.parse((PROJECT_ROOT / "taskboard" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if reads_env and node.args and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
        if isinstance(func, ast.Attribute) and func.attr == "Env":
            names.update(keyword.arg for keyword in node.keywords if keyword.arg)
    return names


def documented_variables() -> set[str]:
    """Assignments in .env.example, set or shown commented out (`# NAME=value`)."""
    text = (PROJECT_ROOT / ".env.example").read_text()
    return set(re.findall(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_settings_read_the_variables_the_deployment_relies_on():
    assert settings_variables() >= {
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "OPENAI_API_KEY",
    }


def test_env_example_documents_every_variable_settings_and_compose_read():
    missing = (settings_variables() | DEPLOYMENT_VARIABLES) - documented_variables()
    assert not missing, f".env.example does not document: {sorted(missing)}"


def test_env_example_sets_no_empty_value_that_would_override_a_default():
    # django-environ takes an empty string as a value, not as "unset", so an
    # empty CHATKIT_MODEL= would select no model at all.
    allowed_empty = {"OPENAI_API_KEY", "DJANGO_CSRF_TRUSTED_ORIGINS"}
    text = (PROJECT_ROOT / ".env.example").read_text()
    empty = set(re.findall(r"^([A-Z][A-Z0-9_]*)=\s*$", text, flags=re.MULTILINE))
    assert empty <= allowed_empty, sorted(empty - allowed_empty)
