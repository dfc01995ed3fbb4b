import { PlaceholderPage } from "~/components/PlaceholderPage";

export default function Activity() {
  return <PlaceholderPage titleKey="activity.title" />;
}
