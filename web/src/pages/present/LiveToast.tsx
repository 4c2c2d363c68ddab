// "N new incidents (batch …)": shown for a few seconds after the change feed reports an import.
import { useLiveToast } from '../../lib/live-hooks';
import './live.css';

export function LiveToast() {
  const toast = useLiveToast();
  if (!toast) return null;
  return (
    <div className="live-toast" role="status" aria-live="polite" data-testid="live-toast" key={toast.id}>
      {toast.text}
    </div>
  );
}
