/**
 * MS-PRES (enhanced presence) bodies, both directions: category publication and its 409 fault,
 * category notifications (single and batched multipart/RLMI), batched subscription
 * (adrl-categorylist), self subscription (roamingList / roamingData with categories,
 * containers, subscribers), container membership, subscriber acknowledgement, the roaming
 * contact list with its deltas and SOAP management operations (MS-SIP §2.2.4), and the state
 * category the server aggregates. Every reader throws {@link PresDocumentError} for a body
 * that breaks its grammar.
 *
 * @example
 * ```ts
 * import { formatCategoryPublish, parseCategoryPublish, PRES_CONTENT_TYPES } from "./mod.ts";
 * const doc = parseCategoryPublish(request.bodyText);
 * doc.publications.map((p) => `${p.categoryName}/${p.instance}/${p.container} v${p.version}`);
 * ```
 *
 * @module
 */
export { PRES_CONTENT_TYPES, PRES_NAMESPACES } from "./namespaces.ts";
export { PresDocumentError } from "./document_reader.ts";
export {
  type CategoryPublish,
  type ExpireType,
  formatCategoryPublish,
  isDeletion,
  parseCategoryPublish,
  type Publication,
} from "./category_publish.ts";
export {
  type FaultOperation,
  formatVersionFault,
  parseVersionFault,
  type VersionFault,
  WRONG_DELTA,
} from "./version_fault.ts";
export {
  type CategoriesDocument,
  categoriesNode,
  type CategoryEntry,
  formatEventCategories,
  parseEventCategories,
  readCategoriesElement,
} from "./event_categories.ts";
export {
  type BatchResource,
  type BatchSubscribe,
  formatBatchSubscribe,
  parseBatchSubscribe,
} from "./batch_subscribe.ts";
export {
  type BatchedNotify,
  formatBatchedNotify,
  parseBatchedNotify,
  type RlmiInstanceState,
  type RlmiList,
  type RlmiResource,
} from "./batched_notify.ts";
export {
  type ContainerEntry,
  type ContainerMember,
  type ContainerMembersChange,
  formatSetContainerMembers,
  MEMBER_TYPES,
  type MemberType,
  parseSetContainerMembers,
} from "./containers.ts";
export {
  formatSetSubscribers,
  parseSetSubscribers,
  type SubscriberEntry,
  type SubscriberType,
} from "./subscribers.ts";
export {
  formatRoamingData,
  formatRoamingList,
  parseRoamingData,
  parseRoamingList,
  type RoamingData,
  type RoamingType,
} from "./roaming_self.ts";
export {
  type Contact,
  type ContactChange,
  type ContactDelta,
  type ContactGroup,
  type ContactList,
  formatContactDelta,
  formatContactList,
  parseContactDelta,
  parseContactList,
} from "./contact_list.ts";
export {
  type ContactOperation,
  formatAddGroupResult,
  formatContactOperation,
  parseAddGroupResult,
  parseContactOperation,
} from "./contact_management.ts";
export {
  aggregateStateElement,
  AVAILABILITY,
  readState,
  stateElement,
  type StateReading,
} from "./state_category.ts";
