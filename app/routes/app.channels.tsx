import { PlaceholderPage } from "~/components/PlaceholderPage";

export default function Channels() {
  return <PlaceholderPage titleKey="channels.title" />;
}
