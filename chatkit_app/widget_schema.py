"""A widget template's `jsonSchema` compiled once into plain Python checks.

`jsonschema` walks the schema again for every value it validates: about 4 ms for a
list of 20 tasks, on every render. The templates use a small part of JSON Schema,
and this module turns that part into nested functions once per template; a check
then costs a fraction of a millisecond.

The compiled check is never more lenient than `jsonschema`: it accepts only values
that are plainly valid (an integer is an `int`, never a float or a bool; a string is any
`str`, a model's `TextChoices` member included, as for `jsonschema`) and returns
False for anything else. `widgets.render` then asks `jsonschema` itself, which
decides and words the error. A keyword this module does not know makes
`compile_schema` raise, so a template that starts using one fails at load time
(tests/chatkit/test_widgets.py loads every template).
"""

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only describe; they constrain nothing.
ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$comment", "examples"})
TYPES: dict[str, Check] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: type(value) is int,
    "number": lambda value: type(value) in (int, float),
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
    "object": lambda value: type(value) is dict,
    "array": lambda value: type(value) is list,
}


def same_value(value: Any, option: Any) -> bool:
    """`value` equals `option` as JSON values: strings by text, the rest of one type."""
    if isinstance(value, str) and isinstance(option, str):
        return value == option
    return type(value) is type(option) and value == option


class UnsupportedSchema(ValueError):
    """The schema uses a keyword the compiler does not implement."""


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function that returns True only for values `schema` accepts."""
    checks: list[Check] = []
    keys = set(schema) - ANNOTATIONS
    handled = set()

    def takes(*names: str) -> bool:
        handled.update(names)
        return any(name in keys for name in names)

    if takes("type"):
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        type_checks = [TYPES[kind] for kind in kinds]
        checks.append(lambda value: any(check(value) for check in type_checks))
    if takes("enum"):
        allowed = schema["enum"]
        # `in` would take True for 1 and 1.0 for 1; JSON Schema tells them apart.
        checks.append(lambda value: any(same_value(value, option) for option in allowed))
    if takes("minLength", "maxLength"):
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        # Lengths count code points, as Python's len() does.
        checks.append(
            lambda value: (
                not isinstance(value, str)
                or (len(value) >= low and (high is None or len(value) <= high))
            )
        )
    if takes("minimum"):
        minimum = schema["minimum"]
        checks.append(lambda value: type(value) not in (int, float) or value >= minimum)
    if takes("maximum"):
        maximum = schema["maximum"]
        checks.append(lambda value: type(value) not in (int, float) or value <= maximum)
    if takes("items", "minItems", "maxItems"):
        item = compile_schema(schema["items"]) if "items" in schema else None
        low, high = schema.get("minItems", 0), schema.get("maxItems")

        def array(value: Any) -> bool:
            if type(value) is not list:
                return True
            if len(value) < low or (high is not None and len(value) > high):
                return False
            return item is None or all(item(entry) for entry in value)

        checks.append(array)
    if takes("properties", "required", "additionalProperties", "propertyNames"):
        checks.append(_object_check(schema))
    if takes("oneOf"):
        options = [compile_schema(option) for option in schema["oneOf"]]
        checks.append(lambda value: sum(1 for option in options if option(value)) == 1)
    if takes("anyOf"):
        options = [compile_schema(option) for option in schema["anyOf"]]
        checks.append(lambda value: any(option(value) for option in options))
    unknown = keys - handled
    if unknown:
        names = ", ".join(sorted(unknown))
        raise UnsupportedSchema(f"JSON Schema keyword(s) not compiled: {names}")
    return lambda value: all(check(value) for check in checks)


def _object_check(schema: dict[str, Any]) -> Check:
    properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    extra_check = None if isinstance(extra, bool) else compile_schema(extra)
    names = compile_schema(schema["propertyNames"]) if "propertyNames" in schema else None

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return True
        for name in required:
            if name not in value:
                return False
        for name, entry in value.items():
            if not isinstance(name, str):
                return False
            if names is not None and not names(name):
                return False
            prop = properties.get(name)
            if prop is not None:
                if not prop(entry):
                    return False
            elif extra is False or (extra_check is not None and not extra_check(entry)):
                return False
        return True

    return check
