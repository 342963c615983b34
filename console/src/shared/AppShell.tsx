/** The frame of a signed-in app: top bar with the user menu, side navigation, the page. */
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation, { type SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import type { ReactNode } from 'react';
import { follow } from './router';

export interface AppShellProps {
  readonly title: string;
  readonly homeHref: string;
  /** The side navigation's heading. */
  readonly navHeader: string;
  readonly navItems: readonly { readonly text: string; readonly href: string }[];
  readonly activeHref: string;
  /** Who is signed in (the user menu's text) and in which role. */
  readonly user: string;
  readonly userDescription?: string;
  readonly menuItems: readonly { readonly id: string; readonly text: string }[];
  readonly onMenuItem: (id: string) => void;
  readonly children: ReactNode;
}

export function AppShell(props: AppShellProps) {
  const items: SideNavigationProps.Item[] = props.navItems.map((item) => ({ type: 'link', ...item }));
  return (
    <>
      <div id="tf-top">
        <TopNavigation
          identity={{ href: props.homeHref, title: props.title, onFollow: follow }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: props.user,
              description: props.userDescription,
              iconName: 'user-profile',
              items: [...props.menuItems],
              onItemClick: ({ detail }) => props.onMenuItem(detail.id),
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#tf-top"
        toolsHide
        navigation={
          <SideNavigation
            header={{ href: props.homeHref, text: props.navHeader }}
            activeHref={props.activeHref}
            onFollow={follow}
            items={items}
          />
        }
        content={props.children}
      />
    </>
  );
}
