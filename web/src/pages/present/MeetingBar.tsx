// Meeting controls over a map: start presenting (analysts, officers) and show the join code, or join
// a meeting by its code and follow the presenter; leave to get your own view back. While presenting,
// every view change is sent to the followers.
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useSignedIn } from '../../api/session-store';
import { can } from '../../lib/can';
import {
  dismissNotice,
  joinMeeting,
  leaveMeeting,
  resumeMeeting,
  startMeeting,
  useMeeting,
  viewChanged,
} from '../../lib/live-meeting';
import { useView } from '../../state/view-store';
import './live.css';

let resumed = false;

export function MeetingBar({ large = false }: { large?: boolean }) {
  const session = useSignedIn();
  const meeting = useMeeting();
  const view = useView();
  const [joining, setJoining] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!resumed) {
      resumed = true;
      void resumeMeeting();
    }
  }, []);
  // Presenting: every view change goes to the followers (throttled in the store).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `view` is the trigger: viewChanged() reads the current view from the store itself.
  useEffect(() => {
    if (meeting.mode === 'presenting') viewChanged();
  }, [view, meeting.mode]);

  const run = (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    fn()
      .then(() => setJoining(false))
      .catch((e) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };

  const cls = `meeting-bar${large ? ' meeting-bar-large' : ''}`;
  if (meeting.mode === 'presenting') {
    return (
      <div className={cls} data-testid="meeting-bar" role="status">
        <span>
          Presenting · join code{' '}
          <strong className="join-code" data-testid="meeting-code">
            {meeting.meeting.code}
          </strong>
        </span>
        {meeting.error && <span className="error-text">Not sent: {meeting.error}</span>}
        <button type="button" onClick={() => run(() => leaveMeeting())} disabled={busy} data-testid="meeting-end">
          End meeting
        </button>
      </div>
    );
  }
  if (meeting.mode === 'following') {
    return (
      <div className={cls} data-testid="meeting-bar" role="status">
        <span data-testid="meeting-following">
          Following {meeting.meeting.presenter.email} · <strong className="join-code">{meeting.meeting.code}</strong>
          {!meeting.connected && ' (reconnecting…)'}
        </span>
        <button type="button" onClick={() => run(() => leaveMeeting())} disabled={busy} data-testid="meeting-leave">
          Leave meeting
        </button>
      </div>
    );
  }
  return (
    <div className={cls} data-testid="meeting-bar">
      {meeting.notice && (
        <span className="meeting-notice" data-testid="meeting-notice">
          {meeting.notice}{' '}
          <button type="button" className="link-button" onClick={dismissNotice}>
            OK
          </button>
        </span>
      )}
      {can(session, 'meetings.present') && (
        <button type="button" onClick={() => run(() => startMeeting(''))} disabled={busy} data-testid="meeting-start">
          Start meeting
        </button>
      )}
      {joining ? (
        <form
          className="meeting-join"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => joinMeeting(code));
          }}
        >
          <label>
            Join code{' '}
            <input
              value={code}
              onChange={(e) => setCode(e.target.value.toUpperCase())}
              maxLength={6}
              minLength={6}
              required
              pattern="[A-Za-z2-9]{6}"
              autoFocus
              data-testid="meeting-code-input"
              aria-label="Meeting join code"
            />
          </label>
          <button type="submit" className="primary" disabled={busy} data-testid="meeting-join-submit">
            Join
          </button>
          <button type="button" onClick={() => setJoining(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setJoining(true)} data-testid="meeting-join">
          Join meeting
        </button>
      )}
      {error && (
        <span className="error-text" role="alert" data-testid="meeting-error">
          {error}
        </span>
      )}
    </div>
  );
}
