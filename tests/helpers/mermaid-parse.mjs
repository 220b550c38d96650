// Parses Mermaid sources with Mermaid's own parser (ESM-only, needs a DOM). Loading Mermaid
// and jsdom takes seconds, so one process parses many: each stdin line is a JSON string (one
// source), answered by one stdout line, {"type": "<diagram type>"} or {"error": "<message>"}.
import { createInterface } from 'node:readline';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  let answer;
  try {
    answer = { type: (await mermaid.parse(JSON.parse(line))).diagramType };
  } catch (error) {
    answer = { error: error.message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
