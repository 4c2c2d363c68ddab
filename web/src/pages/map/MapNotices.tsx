export function MapNotices({ messages }: { messages: (string | null | false | undefined)[] }) {
  const shown = messages.filter((m): m is string => !!m);
  if (!shown.length) return null;
  return (
    <div className="map-notices" role="status" data-testid="map-notices">
      {shown.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
