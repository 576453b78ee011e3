/**
 * CRC-32 (the ISO 3309 / ITU-T V.42 polynomial 0x04C11DB7, reflected 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF), the `CRC32(M)` of MS-NLMP §6 used by the NTLMv1 message signature
 * without extended session security (§3.4.4.1).
 *
 * @example
 * ```ts
 * crc32(utf8("123456789")).toString(16); // "cbf43926"
 * ```
 *
 * @module
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `data` as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * le32(crc32(message)); // the 4 checksum bytes of NTLMSSP_MESSAGE_SIGNATURE (MS-NLMP §2.2.2.9.1)
 * ```
 */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
