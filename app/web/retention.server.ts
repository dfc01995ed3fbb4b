import { RETENTION } from "~/sync/retention.server";

const DAY_MS = 86_400_000;
const days = (ms: number) => Math.round(ms / DAY_MS);

export type RetentionRow =
  "activity" | "resolvedAlerts" | "driftEpisodes" | "lagSamples" | "orderRecords" | "webhookEvents";

/** One kind of record and how many days Ballast keeps it (app/sync/retention.server.ts RETENTION). */
export interface RetentionPeriod {
  row: RetentionRow;
  days: number;
}

/** What the Settings page lists, in this order: what the merchant reads most first. */
export function retentionPeriods(): RetentionPeriod[] {
  return [
    { row: "activity", days: days(RETENTION.activityMs) },
    { row: "resolvedAlerts", days: days(RETENTION.resolvedAlertsMs) },
    { row: "driftEpisodes", days: days(RETENTION.driftEpisodesMs) },
    { row: "lagSamples", days: days(RETENTION.lagSamplesMs) },
    { row: "orderRecords", days: days(RETENTION.orderRecordsMs) },
    { row: "webhookEvents", days: days(RETENTION.webhookEventsMs) },
  ];
}

/** How far back the Activity page and its CSV export go. */
export function activityRetentionDays(): number {
  return days(RETENTION.activityMs);
}
