import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql'
import { isUnsafeText } from '../http/unsafe-text'

/** Any JSON value: used for `where`, `data` and structured fields (richText, json). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => literal(ast, variables ?? undefined),
})

function literal(ast: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
      if (isUnsafeText(ast.value))
        throw new GraphQLError(
          'JSON strings may not contain NUL characters or unpaired UTF-16 surrogates.',
        )
      return ast.value
    case Kind.BOOLEAN:
      return ast.value
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value)
    case Kind.NULL:
      return null
    case Kind.ENUM:
      return ast.value
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables))
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {}
      // defineProperty, so a field named __proto__ is data and never a prototype.
      for (const f of ast.fields)
        Object.defineProperty(out, f.name.value, {
          value: literal(f.value, variables),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      return out
    }
    case Kind.VARIABLE:
      return variables?.[ast.name.value]
  }
}
