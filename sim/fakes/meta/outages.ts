/**
 * Channel outages, shared by the Meta and Google fakes and the rehearsal's in-process
 * channel model: the definition lives with the rehearsal's core (app/rehearsal/outages.ts).
 */
export { deferPastOutages, type OutageWindow } from "~/rehearsal/outages";
