"""Operation limits: depth, aliases, expanded size, tokens, a node-count cost estimate.

One schema extension reads the limits from the request's settings (so each app can configure
them) and measures the parsed document before graphql-core validates it; a document over a limit
is refused there, so neither validation nor any resolver runs for it. The token limit is a parser
option (`max_lexical_tokens`, the successor of the option Strawberry's `MaxTokensLimiter` sets);
introspection, when turned off, is graphql-core's `NoSchemaIntrospectionCustomRule`. Every
refusal is an error with a code and the numbers:

    {"message": "...", "extensions": {"code": "QUERY_TOO_COMPLEX", "limit": 20000, "actual": 50100}}

**Linear in the document.** A fragment may be spread many times, and fragments spread fragments:
`fragment F1 on Query { ...F0 ...F0 }`, twenty levels of it, is a few hundred bytes that expand to
millions of fields. Every measure here is computed on the fragment graph: each fragment is
visited once, after the fragments it spreads (`fragment_order`), and what it comes to (fields,
aliases, depth below it, cost per node above it) is kept and multiplied at each spread, never
walked again. The numbers are those of the fully inlined document; a spread that closes a cycle
(which graphql-core reports) counts as empty.

**Measures.** *Depth* is Strawberry's: levels of fields with a selection below the root fields,
introspection fields not counted (`{ serverInfo { database } }` is 1 deep). *Aliases* and the
*expanded size* (field selections) are counted over the operations of the document with every
spread inlined, so an alias in a fragment spread thirty times is thirty aliases.

**Cost** follows GitHub's node limit: each field with a `first` argument (a connection) may
return `first` nodes for each of its parents, so its nodes are the product of the `first`
arguments from the root down to it (the default page size when `first` is omitted); the cost of
the operation that runs is the sum over its connections. Nested lists of objects without `first`
(a grid's `families`, an area's `children`) are unbounded, so each counts as `cost_list_size`
nodes per parent; the `edges`/`nodes` lists of a connection are its page and do not count again.
A fragment's cost is linear in the nodes above its spread, so it is kept per node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from core.settings import Settings

_DEFAULTS = Settings.model_construct()
PAGE_ARGUMENTS = ("first", "last")


def _coded(rule: type[ValidationRule], code: str, **details: Any) -> type[ValidationRule]:
    """`rule`, with `code` and `details` added to the extensions of each error it reports."""

    class Coded(rule):  # type: ignore[misc, valid-type]
        def report_error(self, error: GraphQLError) -> None:
            error.extensions = {**(error.extensions or {}), "code": code, **details}
            super().report_error(error)

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


# --- The fragment graph ---------------------------------------------------------------------


def _spread_names(selection_set: SelectionSetNode) -> list[str]:
    """Names of the fragments spread anywhere in `selection_set` (not inside those fragments)."""
    names: list[str] = []
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif selection.selection_set is not None:  # type: ignore[attr-defined]
                stack.append(selection.selection_set)  # type: ignore[attr-defined]
    return names


def fragment_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """The fragments' names, each after every fragment it spreads (a depth-first post-order).

    Without recursion, so a long chain of fragments cannot exhaust the stack. A spread back to a
    fragment still being visited closes a cycle; it is not followed, so the fragment it names
    comes later, and whoever looks it up meanwhile finds nothing.
    """
    spreads = {name: _spread_names(fragment.selection_set) for name, fragment in fragments.items()}
    done: set[str] = set()
    order: list[str] = []
    for root in fragments:
        if root in done:
            continue
        path = [(root, iter(spreads[root]))]
        on_path = {root}
        while path:
            name, pending = path[-1]
            for spread in pending:
                if spread in fragments and spread not in done and spread not in on_path:
                    path.append((spread, iter(spreads[spread])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                done.add(name)
                order.append(name)
    return order


@dataclass(frozen=True, slots=True)
class Expansion:
    """What a selection set comes to once every fragment spread in it is inlined."""

    fields: int = 0
    """Field selections."""
    aliases: int = 0
    """Field selections with an alias."""
    depth: int = 0
    """Levels of fields with a selection below it, introspection fields not counted."""


NOTHING = Expansion()


def expand(selection_set: SelectionSetNode, fragments: Mapping[str, Expansion]) -> Expansion:
    """The `Expansion` of `selection_set`, its spreads looked up in `fragments` (absent: empty)."""
    fields = aliases = depth = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            below = (
                NOTHING
                if selection.selection_set is None
                else expand(selection.selection_set, fragments)
            )
            fields += 1 + below.fields
            aliases += (selection.alias is not None) + below.aliases
            if selection.selection_set is not None and not selection.name.value.startswith("__"):
                depth = max(depth, 1 + below.depth)
            continue
        if isinstance(selection, InlineFragmentNode):
            below = expand(selection.selection_set, fragments)
        else:
            below = fragments.get(selection.name.value, NOTHING)  # type: ignore[attr-defined]
        fields += below.fields
        aliases += below.aliases
        depth = max(depth, below.depth)
    return Expansion(fields, aliases, depth)


@dataclass(frozen=True)
class DocumentMeasure:
    """A parsed document's fragments in `fragment_order`, with what each expands to."""

    document: DocumentNode
    fragments: dict[str, FragmentDefinitionNode]
    order: list[str]
    expansions: dict[str, Expansion]
    operations: list[tuple[OperationDefinitionNode, Expansion]]

    @classmethod
    def of(cls, document: DocumentNode) -> DocumentMeasure:
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        order = fragment_order(fragments)
        expansions: dict[str, Expansion] = {}
        for name in order:
            expansions[name] = expand(fragments[name].selection_set, expansions)
        operations = [
            (definition, expand(definition.selection_set, expansions))
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
        return cls(document, fragments, order, expansions, operations)

    @property
    def fields(self) -> int:
        """Field selections of all operations, every fragment spread inlined."""
        return sum(expansion.fields for _, expansion in self.operations)

    @property
    def aliases(self) -> int:
        """Aliased field selections of all operations, every fragment spread inlined."""
        return sum(expansion.aliases for _, expansion in self.operations)


# --- Cost -----------------------------------------------------------------------------------


class CostEstimate:
    """Nodes one operation may fetch: page sizes multiplied down the tree, summed.

    Each fragment's cost is computed once, per node above it, both where its selection is a
    page's own (its lists are the page) and where it is not; a spread multiplies it by the nodes
    above the spread.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        measure: DocumentMeasure,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        default_page_size: int,
        list_size: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self.default_page_size = default_page_size
        self.list_size = list_size
        self.per_node: dict[tuple[str, bool], int] = {}
        for name in measure.order:
            fragment = measure.fragments[name]
            target = schema.get_type(fragment.type_condition.name.value)
            for paged in (False, True):
                self.per_node[name, paged] = self.walk(fragment.selection_set, target, 1, paged)
        root = schema.get_root_type(operation.operation)
        self.total = self.walk(operation.selection_set, root, 1)

    def page_size(self, node: Any) -> int:
        if isinstance(node, VariableNode):
            value = self.variables.get(node.name.value)
            if value is None:
                node = self.defaults.get(node.name.value)
            else:
                return value if isinstance(value, int) and value >= 0 else self.default_page_size
        if isinstance(node, IntValueNode):
            # Validation refuses a literal beyond 32 bits; int() of a huge one would raise.
            return max(0, int(node.value)) if len(node.value) <= 11 else 2**31
        return self.default_page_size

    def walk(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        multiplier: int,
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
                        (self.page_size(given[name]) for name in PAGE_ARGUMENTS if name in given),
                        self.default_page_size,
                    )
                    nodes = multiplier * size
                    total += nodes
                elif (
                    not paged
                    and is_list_type(get_nullable_type(field.type))
                    and is_composite_type(named)
                ):
                    nodes = multiplier * self.list_size
                    total += nodes
                total += self.walk(selection.selection_set, named, nodes, is_page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.walk(selection.selection_set, target, multiplier, paged)
            elif isinstance(selection, FragmentSpreadNode):
                total += multiplier * self.per_node.get((selection.name.value, paged), 0)
        return total


# --- The refusals ---------------------------------------------------------------------------


def limit_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    settings: Settings,
    variables: dict[str, Any],
    operation_name: str | None = None,
) -> list[GraphQLError]:
    """Each limit `document` exceeds, as a coded error; empty if it is within all of them."""
    measure = DocumentMeasure.of(document)
    errors: list[GraphQLError] = []
    if measure.fields > settings.max_expanded_fields:
        errors.append(
            GraphQLError(
                f"The document expands to {measure.fields} field selections once its fragments "
                f"are inlined; the limit is {settings.max_expanded_fields}. Spread fewer "
                "fragments, or select fewer fields.",
                extensions={
                    "code": "QUERY_TOO_LARGE",
                    "limit": settings.max_expanded_fields,
                    "actual": measure.fields,
                },
            )
        )
    for operation, expansion in measure.operations:
        if expansion.depth > settings.max_query_depth:
            name = operation.name.value if operation.name else "anonymous"
            errors.append(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {settings.max_query_depth}",
                    operation,
                    extensions={"code": "QUERY_TOO_DEEP", "limit": settings.max_query_depth},
                )
            )
    if measure.aliases > settings.max_aliases:
        errors.append(
            GraphQLError(
                f"{measure.aliases} aliases found. Allowed: {settings.max_aliases}",
                extensions={"code": "TOO_MANY_ALIASES", "limit": settings.max_aliases},
            )
        )
    operation = get_operation_ast(document, operation_name)
    if operation is not None:
        cost = CostEstimate(
            schema,
            measure,
            operation,
            variables,
            settings.default_page_size,
            settings.cost_list_size,
        ).total
        if cost > settings.max_query_cost:
            errors.append(
                GraphQLError(
                    f"The query may fetch up to {cost} nodes; the limit is "
                    f"{settings.max_query_cost}. Ask for smaller pages (`first`) or fewer "
                    "nested connections.",
                    operation,
                    extensions={
                        "code": "QUERY_TOO_COMPLEX",
                        "limit": settings.max_query_cost,
                        "actual": cost,
                    },
                )
            )
    return errors


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
        if not settings.introspection:
            execution.validation_rules = (
                *execution.validation_rules,
                _coded(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"),
            )
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

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.pre_execution_errors is None and execution.graphql_document is not None:
            errors = limit_errors(
                execution.schema._schema,
                execution.graphql_document,
                _settings_of(execution.context),
                execution.variables or {},
                execution.operation_name,
            )
            if errors:
                # Set, the errors stand for the validation: graphql-core's rules do not run.
                execution.pre_execution_errors = errors
        yield


LIMIT_EXTENSIONS: list[Callable[[], SchemaExtension]] = [OperationLimits]
"""What `schema/__init__.py` adds to the schema's extensions."""
