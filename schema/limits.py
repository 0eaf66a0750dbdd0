"""Operation limits: depth, aliases, tokens, a node-count cost estimate, introspection.

One schema extension reads the limits from the request's settings (so each app can configure
them) and adds graphql-core validation rules for the operation: Strawberry's own depth and alias
validators, graphql-core's `NoSchemaIntrospectionCustomRule`, and `cost_rule` below. The token
limit is a parser option (`max_lexical_tokens`, the successor of the option Strawberry's
`MaxTokensLimiter` sets). Every refusal is a validation error with a code and the numbers:

    {"message": "...", "extensions": {"code": "QUERY_TOO_COMPLEX", "limit": 20000, "actual": 50100}}

The cost estimate follows GitHub's node limit: each field with a `first` argument (a connection)
may return `first` nodes for each of its parents, so its nodes are the product of the `first`
arguments from the root down to it (the default page size when `first` is omitted); the cost of
an operation is the sum over its connections. Nested lists of objects without `first` (a grid's
`families`, an area's `children`) are unbounded, so each counts as `cost_list_size` nodes per
parent; the `edges`/`nodes` lists of a connection are its page and do not count again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import (
    create_validator as create_depth_validator,
)

from core.settings import Settings

_DEFAULTS = Settings.model_construct()
PAGE_ARGUMENTS = ("first", "last")


def _coded(rule: type[ValidationRule], code: str, **details: Any) -> type[ValidationRule]:
    """`rule`, with `code` and `details` added to the extensions of each error it reports.

    Strawberry's validators report from their constructor through the validation context, so the
    context's `report_error` is wrapped for that call; visits report through the rule's own.
    """

    def tag(error: GraphQLError) -> GraphQLError:
        error.extensions = {**(error.extensions or {}), "code": code, **details}
        return error

    class Coded(rule):  # type: ignore[misc, valid-type]
        def __init__(self, context: ValidationContext) -> None:
            original = context.report_error
            context.report_error = lambda error: original(tag(error))  # type: ignore[method-assign]
            try:
                super().__init__(context)
            finally:
                del context.report_error

        def report_error(self, error: GraphQLError) -> None:
            super().report_error(tag(error))

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


def estimate_cost(
    context: ValidationContext,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    default_page_size: int,
    list_size: int,
) -> int:
    """Nodes `operation` may fetch: page sizes multiplied down the tree, summed."""
    fragments = {
        definition.name.value: definition
        for definition in context.document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
    }

    def page_size(node: Any) -> int:
        if isinstance(node, VariableNode):
            value = variables.get(node.name.value)
            if value is None:
                node = defaults.get(node.name.value)
            else:
                return value if isinstance(value, int) and value >= 0 else default_page_size
        if isinstance(node, IntValueNode):
            # Validation refuses a literal beyond 32 bits; int() of a huge one would raise.
            return max(0, int(node.value)) if len(node.value) <= 11 else 2**31
        return default_page_size

    def walk(
        selection_set: SelectionSetNode | None,
        parent: Any,
        multiplier: int,
        seen: frozenset[str],
        paged: bool = False,
    ) -> int:
        """Nodes under `selection_set`; `paged`: it is a page's own (its lists are the page)."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = (
                    parent.fields
                    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
                    else {}
                )
                field = fields.get(selection.name.value)
                if field is None:
                    continue  # __typename, introspection, or an unknown field (reported anyway)
                named = get_named_type(field.type)
                nodes = multiplier
                is_page = any(name in field.args for name in PAGE_ARGUMENTS)
                if is_page:
                    given = {arg.name.value: arg.value for arg in selection.arguments or ()}
                    size = next(
                        (page_size(given[name]) for name in PAGE_ARGUMENTS if name in given),
                        default_page_size,
                    )
                    nodes = multiplier * size
                    total += nodes
                elif (
                    not paged
                    and is_list_type(get_nullable_type(field.type))
                    and is_composite_type(named)
                ):
                    nodes = multiplier * list_size
                    total += nodes
                total += walk(selection.selection_set, named, nodes, seen, is_page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = context.schema.get_type(condition.name.value) if condition else parent
                total += walk(selection.selection_set, target, multiplier, seen, paged)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = context.schema.get_type(fragment.type_condition.name.value)
                total += walk(fragment.selection_set, target, multiplier, seen | {name}, paged)
        return total

    root = context.schema.get_root_type(operation.operation)
    return walk(operation.selection_set, root, 1, frozenset())


def cost_rule(
    max_cost: int, default_page_size: int, list_size: int, variables: dict[str, Any]
) -> type[ValidationRule]:
    """A validation rule refusing operations whose estimated node count exceeds `max_cost`."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = estimate_cost(self.context, node, variables, default_page_size, list_size)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The query may fetch up to {cost} nodes; the limit is {max_cost}. Ask "
                        "for smaller pages (`first`) or fewer nested connections.",
                        node,
                        extensions={"code": "QUERY_TOO_COMPLEX", "limit": max_cost, "actual": cost},
                    )
                )

    return QueryCostRule


def _settings_of(context: Any) -> Settings:
    settings = getattr(context, "settings", None)
    return settings if isinstance(settings, Settings) else _DEFAULTS


class OperationLimits(SchemaExtension):
    """Applies the configured limits to each operation (see the module docstring)."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        settings = _settings_of(execution.context)
        execution.parse_options["max_lexical_tokens"] = settings.max_tokens
        execution.parse_options["max_comments"] = settings.max_tokens
        execution.parse_options["max_source_length"] = settings.max_body_bytes
        rules: list[type[ValidationRule]] = [
            _coded(
                create_depth_validator(settings.max_query_depth, should_ignore=None),
                "QUERY_TOO_DEEP",
                limit=settings.max_query_depth,
            ),
            _coded(
                create_alias_validator(settings.max_aliases),
                "TOO_MANY_ALIASES",
                limit=settings.max_aliases,
            ),
            cost_rule(
                settings.max_query_cost,
                settings.default_page_size,
                settings.cost_list_size,
                execution.variables or {},
            ),
        ]
        if not settings.introspection:
            rules.append(_coded(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"))
        execution.validation_rules = (*execution.validation_rules, *rules)
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        settings = _settings_of(self.execution_context.context)
        for error in self.execution_context.pre_execution_errors or ():
            if "Document contains more than" in error.message:
                error.extensions = {
                    **(error.extensions or {}),
                    "code": "TOO_MANY_TOKENS",
                    "limit": settings.max_tokens,
                }


LIMIT_EXTENSIONS: list[Callable[[], SchemaExtension]] = [OperationLimits]
"""What `schema/__init__.py` adds to the schema's extensions."""
