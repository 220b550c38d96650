/** JSON Schema (draft 2020-12) of the config files, generated from the same specs the loader uses. */
import type { FieldSpec, ObjectSpec } from './spec';

export type JsonSchema = Record<string, unknown>;

export function jsonSchemaOf(spec: ObjectSpec, id: string, title: string): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    title,
    ...fieldSchema(spec),
  };
}

function fieldSchema(spec: FieldSpec): JsonSchema {
  const common = { description: spec.description };
  switch (spec.type) {
    case 'string':
      return {
        ...common,
        type: 'string',
        ...(spec.enum ? { enum: [...spec.enum] } : {}),
        ...(spec.pattern ? { pattern: portablePattern(spec.pattern) } : {}),
        ...(spec.minLength !== undefined ? { minLength: spec.minLength } : {}),
        ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case 'integer':
      return {
        ...common,
        type: 'integer',
        minimum: spec.minimum,
        maximum: spec.maximum,
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case 'boolean':
      return { ...common, type: 'boolean', ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case 'array':
      return {
        ...common,
        type: 'array',
        items: fieldSchema(spec.items),
        ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
        ...(spec.maxItems !== undefined ? { maxItems: spec.maxItems } : {}),
      };
    case 'map':
      return {
        ...common,
        type: 'object',
        maxProperties: spec.maxEntries,
        propertyNames: { pattern: portablePattern(spec.keyPattern) },
        additionalProperties: fieldSchema(spec.values),
      };
    case 'object':
      return {
        ...common,
        type: 'object',
        properties: Object.fromEntries(Object.entries(spec.properties).map(([key, child]) => [key, fieldSchema(child)])),
        ...(spec.required && spec.required.length > 0 ? { required: [...spec.required] } : {}),
        additionalProperties: false,
      };
  }
}

/** JSON Schema patterns are matched in Unicode mode, where a needless `\/` is an error. */
function portablePattern(pattern: RegExp): string {
  return pattern.source.replaceAll('\\/', '/');
}
