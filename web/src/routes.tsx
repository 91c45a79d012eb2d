import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './layout.js';
import { LoginPage } from './pages/login.js';
import { Loading } from './ui/loading.js';

// Every view but the login form is its own chunk: the first screen loads only what it shows.
const FleetPage = lazy(() => import('./pages/fleet.js'));
const DevicePage = lazy(() => import('./pages/device.js'));
const ExplorerPage = lazy(() => import('./pages/explorer.js'));
const MapPage = lazy(() => import('./pages/map.js'));
const PipelinesPage = lazy(() => import('./pages/pipelines.js'));
const PipelinePage = lazy(() => import('./pages/pipeline.js'));
const WorkersPage = lazy(() => import('./pages/workers.js'));
const TracesPage = lazy(() => import('./pages/traces.js'));
const AlertsPage = lazy(() => import('./pages/alerts.js'));
const SettingsPage = lazy(() => import('./pages/settings.js'));
const OperationsPage = lazy(() => import('./pages/operations.js'));
const InvitationPage = lazy(() => import('./pages/invitation.js'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/fleet" replace /> },
      { path: 'fleet', element: page(<FleetPage />) },
      { path: 'devices/:id', element: page(<DevicePage />) },
      { path: 'explore', element: page(<ExplorerPage />) },
      { path: 'map', element: page(<MapPage />) },
      { path: 'pipelines', element: page(<PipelinesPage />) },
      { path: 'pipelines/:id', element: page(<PipelinePage />) },
      { path: 'workers', element: page(<WorkersPage />) },
      { path: 'traces', element: page(<TracesPage />) },
      { path: 'alerts', element: page(<AlertsPage />) },
      { path: 'settings', element: page(<SettingsPage />) },
      { path: 'operations', element: page(<OperationsPage />) },
      { path: 'invitations/:token', element: page(<InvitationPage />) },
      { path: '*', element: <Navigate to="/fleet" replace /> },
    ],
  },
]);
