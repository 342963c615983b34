import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import type { PagedLoad } from './use-paged-load';

/** "Load more" under a paged table, with the error of the last attempt. */
export function LoadMoreFooter({ paged }: { paged: PagedLoad<unknown> }) {
  if (!paged.hasMore) return null;
  return (
    <Box textAlign="center">
      <Button onClick={paged.loadMore} loading={paged.loadingMore}>
        Load more
      </Button>
      {paged.moreError && (
        <Box color="text-status-error" margin={{ top: 'xs' }}>
          <span role="alert">{paged.moreError}</span>
        </Box>
      )}
    </Box>
  );
}
