/** The contracts fabric-chaincode-node starts (package.json `main`). */
import { DocumentsContract } from './documents';

export { DocumentsContract };
export const contracts = [DocumentsContract];
