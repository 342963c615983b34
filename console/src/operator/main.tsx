import '@cloudscape-design/global-styles/index.css';
import '../shared/styles.css';
import { createRoot } from 'react-dom/client';
import { OperatorApp } from './OperatorApp';

createRoot(document.getElementById('root') as HTMLElement).render(<OperatorApp />);
