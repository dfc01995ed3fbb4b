import { PlaceholderPage } from "~/components/PlaceholderPage";

export default function Buffers() {
  return <PlaceholderPage titleKey="buffers.title" />;
}
