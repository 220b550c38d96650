// Parses Mermaid source read from stdin with Mermaid's own parser (ESM-only, needs a DOM),
// printing the diagram type on success and the parser's message, exit 1, on failure.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  const result = await mermaid.parse(text);
  process.stdout.write(`${result.diagramType}\n`);
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
