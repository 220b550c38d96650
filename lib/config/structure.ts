/**
 * Stage 1: raw YAML -> plain values checked against a FieldSpec. Every problem becomes a
 * located issue; a field that fails is left out of the result so later stages only see
 * values of the declared type.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ConfigIssue } from './issues';
import { fieldName, type SourceFile } from './source';
import type { ArraySpec, FieldSpec, MapSpec, ObjectSpec, StringSpec } from './spec';

type Path = readonly (string | number)[];

export function checkStructure(source: SourceFile, spec: ObjectSpec): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const contents = source.document.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    issues.push(source.issueAt([], 'the file is empty', `a mapping with ${listRequired(spec)}`));
    return { value: {}, issues };
  }
  const value = walk(source, contents, spec, [], issues);
  return { value: (value as Record<string, unknown>) ?? {}, issues };
}

function walk(source: SourceFile, node: Node | null, spec: FieldSpec, path: Path, issues: ConfigIssue[]): unknown {
  switch (spec.type) {
    case 'object':
      return walkObject(source, node, spec, path, issues);
    case 'map':
      return walkMap(source, node, spec, path, issues);
    case 'array':
      return walkArray(source, node, spec, path, issues);
    case 'string':
      return walkString(source, node, spec, path, issues);
    case 'integer': {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues.push(source.issueAt(path, `${describe(node)} is not a whole number`, `${spec.minimum} to ${spec.maximum}`));
        return undefined;
      }
      if (value < spec.minimum || value > spec.maximum) {
        issues.push(source.issueAt(path, `${value} is out of range`, `${spec.minimum} to ${spec.maximum}`));
        return undefined;
      }
      return value;
    }
    case 'boolean': {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'boolean') {
        issues.push(source.issueAt(path, `${describe(node)} is not a boolean`, 'true, false'));
        return undefined;
      }
      return value;
    }
  }
}

function walkObject(source: SourceFile, node: Node | null, spec: ObjectSpec, path: Path, issues: ConfigIssue[]): Record<string, unknown> | undefined {
  if (!isMap(node)) {
    issues.push(source.issueAt(path, `${describe(node)} is not a mapping`, `a mapping with ${listKeys(spec)}`));
    return undefined;
  }
  const result: Record<string, unknown> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const fieldSpec = key === undefined ? undefined : spec.properties[key];
    if (key === undefined || !fieldSpec) {
      const at = source.positionOfNode(pair.key as Node);
      issues.push({
        file: source.file,
        ...at,
        field: fieldName([...path, key ?? '?']),
        problem: `unknown field "${key ?? '?'}"`,
        allowed: Object.keys(spec.properties).join(', '),
      });
      continue;
    }
    const child = walk(source, pair.value as Node | null, fieldSpec, [...path, key], issues);
    if (child !== undefined) result[key] = child;
  }
  for (const required of spec.required ?? []) {
    if (!node.items.some((pair) => isScalar(pair.key) && String(pair.key.value) === required)) {
      issues.push(source.issueAt([...path, required], 'is required but missing', hintOf(spec.properties[required])));
    }
  }
  return result;
}

function walkMap(source: SourceFile, node: Node | null, spec: MapSpec, path: Path, issues: ConfigIssue[]): Record<string, string> | undefined {
  if (!isMap(node)) {
    issues.push(source.issueAt(path, `${describe(node)} is not a mapping`, 'key: value pairs'));
    return undefined;
  }
  if (node.items.length > spec.maxEntries) {
    issues.push(source.issueAt(path, `has ${node.items.length} entries`, `at most ${spec.maxEntries}`));
  }
  const result: Record<string, string> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!spec.keyPattern.test(key)) {
      const at = source.positionOfNode(pair.key as Node);
      issues.push({ file: source.file, ...at, field: fieldName([...path, key]), problem: `key "${key}" is not allowed`, allowed: spec.keyHint });
      continue;
    }
    const value = walkString(source, pair.value as Node | null, spec.values, [...path, key], issues);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function walkArray(source: SourceFile, node: Node | null, spec: ArraySpec, path: Path, issues: ConfigIssue[]): unknown[] | undefined {
  if (!isSeq(node)) {
    issues.push(source.issueAt(path, `${describe(node)} is not a list`, `a list, each item: ${spec.items.description.toLowerCase().replace(/\.$/, '')}`));
    return undefined;
  }
  const count = node.items.length;
  if (spec.minItems !== undefined && count < spec.minItems) {
    issues.push(source.issueAt(path, `has ${count} item${count === 1 ? '' : 's'}`, `at least ${spec.minItems}${spec.maxItems === spec.minItems ? ' and at most ' + spec.maxItems : ''}`));
  } else if (spec.maxItems !== undefined && count > spec.maxItems) {
    issues.push(source.issueAt(path, `has ${count} items`, `at most ${spec.maxItems}`));
  }
  const items: unknown[] = [];
  node.items.forEach((item, index) => {
    items.push(walk(source, item as Node | null, spec.items, [...path, index], issues));
  });
  return items;
}

function walkString(source: SourceFile, node: Node | null, spec: StringSpec, path: Path, issues: ConfigIssue[]): string | undefined {
  const text = scalarText(node);
  if (text === undefined) {
    issues.push(source.issueAt(path, `${describe(node)} is not a string`, spec.enum?.join(', ') ?? spec.patternHint));
    return undefined;
  }
  const refusal = spec.refused && Object.hasOwn(spec.refused, text) ? spec.refused[text] : undefined;
  if (refusal !== undefined) {
    issues.push(source.issueAt(path, `"${text}" ${refusal}`, spec.enum?.join(', ') ?? spec.patternHint));
    return undefined;
  }
  if (spec.enum && !spec.enum.includes(text)) {
    issues.push(source.issueAt(path, `"${text}" is not one of the allowed values`, spec.enum.join(', ')));
    return undefined;
  }
  if (spec.pattern && !spec.pattern.test(text)) {
    issues.push(source.issueAt(path, `"${text}" is not valid`, spec.patternHint));
    return undefined;
  }
  if (spec.minLength !== undefined && text.length < spec.minLength) {
    issues.push(source.issueAt(path, `is ${text.length} characters long`, `at least ${spec.minLength}`));
    return undefined;
  }
  if (spec.maxLength !== undefined && text.length > spec.maxLength) {
    issues.push(source.issueAt(path, `is ${text.length} characters long`, `at most ${spec.maxLength}`));
    return undefined;
  }
  return text;
}

/**
 * A string as written. Unquoted numbers (account ids, `2.2`) are taken from their source
 * text so that leading zeros and trailing digits survive.
 */
function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number' && typeof node.source === 'string') return node.source;
  return undefined;
}

function describe(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'an empty value';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return JSON.stringify(node.value);
  return 'this value';
}

function listKeys(spec: ObjectSpec): string {
  return Object.keys(spec.properties).join(', ');
}

function listRequired(spec: ObjectSpec): string {
  return (spec.required ?? []).join(', ');
}

/** What a field accepts, in the words shown after "allowed:". */
function hintOf(spec: FieldSpec): string {
  if (spec.type === 'string') return spec.enum?.join(', ') ?? spec.patternHint ?? spec.description;
  if (spec.type === 'integer') return `${spec.minimum} to ${spec.maximum}`;
  if (spec.type === 'object') return `a mapping with ${listKeys(spec)}`;
  return spec.description;
}
