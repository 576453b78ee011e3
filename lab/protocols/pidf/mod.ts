/**
 * Presence documents for standard SIMPLE targets: the PIDF codec (RFC 3863, with the RFC 4479
 * person and RFC 4480 RPID activities) and the mapping between the lab's availability names
 * (the Microsoft ones of the scenario schema) and basic status plus activities.
 *
 * @example
 * ```ts
 * import { availabilityOf, formatPidf, parsePidf, presenceDocument } from "./mod.ts";
 * const body = formatPidf(presenceDocument({ entity: "sip:alice@lab.test", state: "busy" }));
 * availabilityOf(parsePidf(body)); // "busy"
 * ```
 *
 * @module
 */
export {
  type BasicStatus,
  DATA_MODEL_NAMESPACE,
  formatPidf,
  parsePidf,
  PIDF_CONTENT_TYPE,
  PIDF_NAMESPACE,
  type PidfContact,
  type PidfDocument,
  type PidfNote,
  type PidfPerson,
  PidfSyntaxError,
  type PidfTuple,
  RPID_NAMESPACE,
  type RpidActivity,
} from "./pidf_document.ts";
export {
  type Availability,
  AVAILABILITY_STATES,
  availabilityOf,
  firstNote,
  isAvailability,
  presenceDocument,
  type PresenceDocumentInput,
} from "./availability.ts";
