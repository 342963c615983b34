import '@cloudscape-design/global-styles/index.css';
import '../shared/styles.css';
import { createRoot } from 'react-dom/client';
import { CommerceApp } from './CommerceApp';

createRoot(document.getElementById('root') as HTMLElement).render(<CommerceApp />);
