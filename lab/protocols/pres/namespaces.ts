/**
 * Content types and XML namespaces of the MS-PRES bodies (MS-PRES §2.2, MS-SIP §2.2.4,
 * §3.3.5.1; MS-PRES.md §2 table).
 *
 * @module
 */

/** Content types of the bodies this folder reads and writes. */
export const PRES_CONTENT_TYPES = {
  /** SERVICE: category publication (MS-PRES.md §4.1). */
  categoryPublish: "application/msrtc-category-publish+xml",
  /** 409 to a publication or container change (MS-PRES.md §4.2). */
  fault: "application/msrtc-fault+xml",
  /** NOTIFY/BENOTIFY and piggybacked notifications of one resource (MS-PRES.md §4.3). */
  eventCategories: "application/msrtc-event-categories+xml",
  /** Batched SUBSCRIBE body (MS-PRES §6.8). */
  batchSubscribe: "application/msrtc-adrl-categorylist+xml",
  /** Batched notification parts list (MS-SIP §3.3.5.1, RFC 4662). */
  rlmi: "application/rlmi+xml",
  /** Self subscription body and notification (MS-PRES.md §4.6). */
  roamingSelf: "application/vnd-microsoft-roaming-self+xml",
  /** Roaming contacts notification (MS-SIP §2.2.4.1). */
  roamingContacts: "application/vnd-microsoft-roaming-contacts+xml",
  /** SERVICE: container membership (MS-PRES.md §4.7). */
  setContainerMembers: "application/msrtc-setcontainermembers+xml",
  /** SERVICE: subscriber acknowledgement (MS-PRES §2.2.2.6.2). */
  setSubscribers: "application/msrtc-presence-setsubscriber+xml",
  /** SERVICE: contact and group management (MS-SIP §2.2.4.2). */
  soap: "application/SOAP+xml",
} as const;

/** XML namespaces of those bodies. */
export const PRES_NAMESPACES = {
  richPresence: "http://schemas.microsoft.com/2006/09/sip/rich-presence",
  categories: "http://schemas.microsoft.com/2006/09/sip/categories",
  batchSubscribe: "http://schemas.microsoft.com/2006/01/sip/batch-subscribe",
  categoryList: "http://schemas.microsoft.com/2006/09/sip/categorylist",
  roamingSelf: "http://schemas.microsoft.com/2006/09/sip/roaming-self",
  containerManagement: "http://schemas.microsoft.com/2006/09/sip/container-management",
  presenceSubscribers: "http://schemas.microsoft.com/2006/09/sip/presence-subscribers",
  state: "http://schemas.microsoft.com/2006/09/sip/state",
  rlmi: "urn:ietf:params:xml:ns:rlmi",
  soapEnvelope: "http://schemas.xmlsoap.org/soap/envelope/",
  contactManagement: "http://schemas.microsoft.com/winrtc/2002/11/sip",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
} as const;
