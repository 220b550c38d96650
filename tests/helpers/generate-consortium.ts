/** The consortium generator lives in scripts/ so benchmarks can use it too; tests import it from here or there. */
export { generateConsortium, generatedMemberName, type GenerateOptions, type GeneratedConsortium } from '../../scripts/generate-consortium';
