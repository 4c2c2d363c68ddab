// The import page: upload form, the progress and result of the current import, and past imports.
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { uploadImport } from '../../api/upload';
import { useView, updateView } from '../../state/view-store';
import { ImportForm, type Uploaded } from './ImportForm';
import { ImportJobView } from './ImportJobView';
import { ImportHistory } from './ImportHistory';
import { OpenDataRuns } from '../../components/OpenDataRuns';

export function ImportPage({ onImported }: { onImported: () => void }) {
  const view = useView();
  const [historyVersion, setHistoryVersion] = useState(0);
  // The last upload, kept so a boundary import refused for removing areas can be confirmed at once.
  const [last, setLast] = useState<Uploaded | null>(null);
  const [replacing, setReplacing] = useState<string | null>(null);
  const started = (u: Uploaded) => {
    setLast(u);
    updateView({ importId: u.id }, { push: true });
    setHistoryVersion((v) => v + 1);
  };
  const confirmReplace = async () => {
    if (!last) return;
    setReplacing('Uploading again to replace…');
    const opts = { ...last.opts, replace: 'true' as const };
    try {
      const { id } = await uploadImport(last.file, opts, () => {}).promise;
      setReplacing(null);
      started({ id, file: last.file, opts });
    } catch (e) {
      setReplacing(errorMessage(e));
    }
  };
  return (
    <div className="import-page">
      <section className="import-main">
        <h1>Import data</h1>
        <ImportForm onUploaded={started} />
        {view.importId && (
          <ImportJobView
            key={view.importId}
            id={view.importId}
            onFinished={() => {
              onImported();
              setHistoryVersion((v) => v + 1);
            }}
            onConfirmReplace={last && last.id === view.importId && !last.opts.replace ? confirmReplace : undefined}
            replaceStatus={replacing}
          />
        )}
      </section>
      <aside className="import-side">
        <ImportHistory
          version={historyVersion}
          selectedId={view.importId}
          onSelect={(id) => updateView({ importId: id }, { push: true })}
        />
        <OpenDataRuns />
      </aside>
    </div>
  );
}
