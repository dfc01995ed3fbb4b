import { PlaceholderPage } from "~/components/PlaceholderPage";

export default function Alerts() {
  return <PlaceholderPage titleKey="alerts.title" />;
}
