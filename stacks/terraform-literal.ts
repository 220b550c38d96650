/**
 * Text from the consortium's YAML, made literal for Terraform. Terraform reads every string
 * of a `.tf.json` file as a template: `${...}` interpolates and `%{...}` is a directive, so
 * a description such as "Pays royalties for ${territory}" would fail `terraform validate`
 * (Invalid reference), or worse, be evaluated. `$${` and `%%{` are the escapes that stand for
 * a literal `${` and `%{` (Terraform language docs, "Strings and Templates" and "JSON
 * Configuration Syntax"). Terraform removes the escapes, so AWS receives the text as written.
 *
 * `MemberStack` passes the whole consortium through `terraformLiterals` once, before any
 * construct sees it: every string from config reaches Terraform through this one place.
 * Whatever leaves the stack by another road than Terraform JSON (the voter's settings file)
 * must be built from the unescaped consortium.
 */

/** `text` with every `${` written `$${` and every `%{` written `%%{`. */
export function terraformLiteral(text: string): string {
  return text.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}

/**
 * A deep copy of plain data (objects, arrays, strings, numbers, booleans) with every string
 * value passed through `terraformLiteral`. Keys are left as they are: the spec's key
 * patterns (tag keys) admit neither `$` nor `%` nor `{`.
 */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map((item) => terraformLiterals(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, terraformLiterals(child)])) as T;
  }
  return value;
}
