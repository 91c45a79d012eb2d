import { javascript } from '@codemirror/lang-javascript';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';

/** CodeMirror 6 for scripts (JavaScript / TypeScript). `value` replaces the text when it changes from outside. */
export function CodeEditor(props: { value: string; onChange: (v: string) => void; typescript?: boolean; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is built once per language; value is synced below
  useEffect(() => {
    if (!box.current) return;
    view.current = new EditorView({
      doc: props.value,
      parent: box.current,
      extensions: [
        basicSetup,
        javascript({ typescript: !!props.typescript }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange.current(u.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'aria-label': props.label }),
      ],
    });
    // axe (scrollable-region-focusable): the scroller itself must be reachable by keyboard.
    view.current.scrollDOM.tabIndex = 0;
    return () => view.current?.destroy();
  }, [props.typescript]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
  }, [props.value]);

  // The editor keeps its light theme in dark mode: its highlight colours are chosen for a white background.
  return (
    <div
      ref={box}
      style={{
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
        minHeight: 240,
        background: '#fff',
        color: '#000',
        colorScheme: 'light',
      }}
    />
  );
}
