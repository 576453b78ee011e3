/**
 * SIP dialogs (RFC 3261 §12–§15, RFC 6026 for 2xx handling) and subscriptions (RFC 6665):
 * dialog state and in-dialog request construction, the dialog store, the INVITE dialog usage
 * with 2xx retransmission / ACK handling, subscriber and notifier, and their XState charts (run
 * on lab/statechart's ChartExecutor; chart_agreement_test.ts proves it agrees with XState).
 *
 * @module
 */
export {
  Dialog,
  type DialogOptions,
  type DialogRole,
  type DialogState,
  type InDialogRequestOptions,
  type InDialogRequestVerdict,
  type InDialogResponseEffect,
  TARGET_REFRESH_METHODS,
  type ViaTemplate,
} from "./dialog.ts";
export {
  type DialogId,
  dialogIdOfRequest,
  dialogIdOfResponse,
  dialogKey,
  sameDialogId,
} from "./dialog_id.ts";
export { DialogStore, type RequestMatch, type ResponseMatch } from "./dialog_store.ts";
export {
  isLooseRoute,
  type RequestTarget,
  requestTarget,
  routeSetFromRecordRoute,
} from "./route_set.ts";
export { createCancel } from "./cancel.ts";
export { BRANCH_MAGIC_COOKIE, initialCSeq, newBranch, newTag, randomHex } from "./identifiers.ts";
export { DEFAULT_TIMER_VALUES, type SipTimerValues, type TimerScheduler } from "./scheduler.ts";
export {
  inviteDialogChart,
  type InviteDialogEvent,
  type InviteDialogStateName,
} from "./invite_dialog_chart.ts";
export { InviteUsage, type InviteUsageHost, type InviteUsageOptions } from "./invite_usage.ts";
export {
  type EventHeader,
  eventKey,
  eventsMatch,
  formatEvent,
  formatSubscriptionState,
  parseEvent,
  parseSubscriptionState,
  type RetryAdvice,
  retryAdvice,
  type SubscriptionStateHeader,
  type TerminationReason,
} from "./event_headers.ts";
export { advise, type ResponseAdvice } from "./response_advice.ts";
export {
  type SubscriberEvent,
  type SubscriberStateName,
  subscriptionChart,
} from "./subscription_chart.ts";
export { notifierChart, type NotifierEvent, type NotifierStateName } from "./notifier_chart.ts";
export {
  Subscriber,
  type SubscriberHost,
  type SubscriberOptions,
  type SubscriptionEnd,
} from "./subscriber.ts";
export {
  evaluateSubscribe,
  Notifier,
  type NotifierHost,
  type NotifierOptions,
  type NotifierPolicy,
  type NotifyContent,
  type SubscribeEvaluation,
} from "./notifier.ts";
export { SubscriptionTable } from "./subscription_table.ts";
