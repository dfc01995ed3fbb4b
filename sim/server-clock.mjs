/**
 * A clock the test drives, inside a production server started by
 * sim/app-server.ts with `{ clock: true }` (loaded with `node --import`). The
 * routes read the time with Date.now() and new Date(): here both run ahead of the real
 * clock by an offset the test moves forward over the IPC channel, so a test sees an
 * override expire, say, without waiting for it. The clock only moves forward.
 *
 * Dates are still the real Date objects (same prototype, instanceof holds): only "now"
 * is shifted.
 */
const NativeDate = Date;
let offsetMs = 0;

function DrivenDate(...args) {
  if (!new.target) return new NativeDate(NativeDate.now() + offsetMs).toString();
  return args.length === 0 ? new NativeDate(NativeDate.now() + offsetMs) : new NativeDate(...args);
}
Object.setPrototypeOf(DrivenDate, NativeDate); // Date.UTC, Date.parse
DrivenDate.prototype = NativeDate.prototype;
DrivenDate.now = () => NativeDate.now() + offsetMs;
globalThis.Date = DrivenDate;

process.on("message", (message) => {
  if (message?.type !== "ballast-clock/advance") return;
  offsetMs += Math.max(0, Number(message.byMs) || 0);
  process.send?.({ type: "ballast-clock/advanced", offsetMs });
});
// The channel must not keep a stopped server alive (a listener refs it again: unref after).
setImmediate(() => process.channel?.unref());
