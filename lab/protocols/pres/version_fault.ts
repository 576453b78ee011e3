/**
 * The fault document of a 409 Conflict, `application/msrtc-fault+xml` (MS-PRES.md §4.2): the
 * fault code (`Client.BadCall.WrongDelta` for a stale version) and, per rejected operation, its
 * 1-based index in the request, the version the client sent and the server's current one.
 *
 * @example
 * ```ts
 * const body = formatVersionFault({ faultCode: WRONG_DELTA, operations: [{ index: 1, version: 1, curVersion: 2 }] });
 * parseVersionFault(body).operations[0].curVersion; // 2
 * ```
 *
 * @module
 */
import { writeXml, xmlNode } from "../xml/mod.ts";
import {
  childrenNamed,
  PresDocumentError,
  readDocument,
  requireUnsigned,
} from "./document_reader.ts";

/** MS-PRES.md §4.2: the fault code of a version mismatch. */
export const WRONG_DELTA = "Client.BadCall.WrongDelta";

/** One rejected operation. */
export interface FaultOperation {
  /** 1-based position of the operation (publication, container …) in the request. */
  index: number;
  /** The version the request carried. */
  version: number;
  /** The server's current version. */
  curVersion: number;
}

/** A fault document. */
export interface VersionFault {
  faultCode: string;
  operations: FaultOperation[];
}

/**
 * Writes a fault document.
 *
 * @example
 * ```ts
 * formatVersionFault({ faultCode: WRONG_DELTA, operations: [] });
 * ```
 */
export function formatVersionFault(fault: VersionFault): string {
  return writeXml(
    xmlNode("Fault", [], [
      xmlNode("Faultcode", [], [fault.faultCode]),
      xmlNode(
        "details",
        [],
        fault.operations.map((o) =>
          xmlNode("operation", [["index", o.index], ["version", o.version], [
            "curVersion",
            o.curVersion,
          ]])
        ),
      ),
    ]),
  );
}

/**
 * Reads a fault document (the client side adopts `curVersion` per index and republishes,
 * MS-PRES.md §10 item 4).
 *
 * @example
 * ```ts
 * parseVersionFault("<Fault><Faultcode>Client.BadCall.WrongDelta</Faultcode><details/></Fault>");
 * ```
 */
export function parseVersionFault(text: string): VersionFault {
  const root = readDocument(text, "Fault");
  const code = root.children.find((c) => c.localName === "Faultcode");
  if (code === undefined) throw new PresDocumentError("<Fault> lacks <Faultcode>");
  const details = root.children.find((c) => c.localName === "details");
  return {
    faultCode: code.text.trim(),
    operations: details === undefined ? [] : childrenNamed(details, "operation").map((o) => ({
      index: requireUnsigned(o, "index"),
      version: requireUnsigned(o, "version"),
      curVersion: requireUnsigned(o, "curVersion"),
    })),
  };
}
