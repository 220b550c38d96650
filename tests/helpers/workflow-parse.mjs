// Checks GitHub Actions workflow files with GitHub's own parser (schema and expressions).
// Run under tsx: the parser imports its schema as JSON, which plain Node 20 refuses.
// Prints one line per problem as "file: message" and exits 1 if there is any.
import { readFileSync } from 'node:fs';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

let problems = 0;
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: readFileSync(file, 'utf8') }, new NoOperationTraceWriter());
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const messages = [...parsed.context.errors.getErrors().map((error) => error.message), ...(template.errors ?? []).map((error) => error.Message)];
  for (const message of new Set(messages)) {
    problems += 1;
    process.stdout.write(`${file}: ${message}\n`);
  }
}
process.exitCode = problems > 0 ? 1 : 0;
