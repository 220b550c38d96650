/** The configuration reference (Markdown), generated from the same specs as the loader. */
import type { FieldSpec, ObjectSpec } from './spec';

export function referenceOf(spec: ObjectSpec, title: string, intro: string): string {
  const rows = fieldRows(spec, '', spec.required ?? []);
  return [`## ${title}`, '', intro, '', '| field | type | required | default | allowed | meaning |', '| --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}

function fieldRows(spec: ObjectSpec, prefix: string, required: readonly string[]): string[] {
  return Object.entries(spec.properties).flatMap(([key, field]) => {
    const name = `${prefix}${key}`;
    const row = `| \`${name}\` | ${typeOf(field)} | ${required.includes(key) ? 'yes' : ''} | ${defaultOf(field)} | ${allowedOf(field)} | ${escape(field.description)} |`;
    if (field.type === 'object') return [row, ...fieldRows(field, `${name}.`, field.required ?? [])];
    if (field.type === 'array' && field.items.type === 'object') return [row, ...fieldRows(field.items, `${name}[].`, field.items.required ?? [])];
    return [row];
  });
}

function typeOf(field: FieldSpec): string {
  if (field.type === 'array') return `list of ${field.items.type === 'object' ? 'mappings' : `${field.items.type}s`}`;
  if (field.type === 'map') return 'mapping of strings';
  if (field.type === 'object') return 'mapping';
  return field.type;
}

function defaultOf(field: FieldSpec): string {
  if ('default' in field && field.default !== undefined && field.default !== '') return `\`${String(field.default)}\``;
  return '';
}

function allowedOf(field: FieldSpec): string {
  switch (field.type) {
    case 'string':
      return escape(field.enum?.join(', ') ?? field.patternHint ?? (field.maxLength !== undefined ? `up to ${field.maxLength} characters` : ''));
    case 'integer':
      return `${field.minimum} to ${field.maximum}`;
    case 'boolean':
      return 'true, false';
    case 'array':
      return escape([field.minItems !== undefined ? `at least ${field.minItems}` : '', field.maxItems !== undefined ? `at most ${field.maxItems}` : ''].filter(Boolean).join(', ') + (field.items.type === 'string' ? `; each ${allowedOf(field.items)}` : ''));
    case 'map':
      return escape(`keys: ${field.keyHint}`);
    case 'object':
      return '';
  }
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|');
}
