// The import page: upload form, the progress and result of the current import, and past imports.
import { useState } from 'react';
import { useView, updateView } from '../../state/view-store';
import { ImportForm } from './ImportForm';
import { ImportJobView } from './ImportJobView';
import { ImportHistory } from './ImportHistory';

export function ImportPage({ onImported }: { onImported: () => void }) {
  const view = useView();
  const [historyVersion, setHistoryVersion] = useState(0);
  return (
    <div className="import-page">
      <section className="import-main">
        <h1>Import data</h1>
        <ImportForm
          onUploaded={(id) => {
            updateView({ importId: id }, { push: true });
            setHistoryVersion((v) => v + 1);
          }}
        />
        {view.importId && (
          <ImportJobView
            key={view.importId}
            id={view.importId}
            onFinished={() => {
              onImported();
              setHistoryVersion((v) => v + 1);
            }}
          />
        )}
      </section>
      <aside className="import-side">
        <ImportHistory version={historyVersion} selectedId={view.importId} onSelect={(id) => updateView({ importId: id }, { push: true })} />
      </aside>
    </div>
  );
}
