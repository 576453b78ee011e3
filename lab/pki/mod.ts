/**
 * The lab's embedded PKI: an in-memory root CA and the server certificates it issues for the
 * lab's TLS / WSS listeners.
 *
 * @module
 */
export {
  createLabCa,
  LAB_KEY_ALGORITHM,
  LAB_SIGNING_ALGORITHM,
  type LabCa,
  type LabCaOptions,
} from "./ca.ts";
export { issueServerCert, type ServerCertOptions, type ServerCredentials } from "./server_cert.ts";
