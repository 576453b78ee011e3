/**
 * The shared protocol-timer scheduler: one hashed timer wheel per process, O(1) arm/cancel,
 * at most one host timer, and a virtual-clock mode for deterministic tests.
 *
 * @module
 */
export { type TimerHandle, TimerWheel, type TimerWheelOptions } from "./timer_wheel.ts";
