import '@cloudscape-design/global-styles/index.css';
import '../shared/styles.css';
import { createRoot } from 'react-dom/client';
import { SignUpApp } from './SignUpApp';

createRoot(document.getElementById('root') as HTMLElement).render(<SignUpApp />);
