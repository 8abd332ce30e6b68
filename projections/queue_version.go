package projections

import "context"

// QueuesVersion is the queues' read model as of now, as one number: the position the
// queues projection has committed, once a list read's settle (the writes stored when it
// came) is done. A queue page read at one version shows the same rows as another read
// at that version as of the same moment: the pages cache what they render by it
// (adapters/web, desk_queue_cache.go). The number may go back (a rebuild starts again
// from nothing), so callers compare for equality only.
func (s *Service) QueuesVersion(ctx context.Context) (uint64, error) {
	if err := s.settle(ctx, Queues); err != nil {
		return 0, err
	}
	return s.checkpoint(ctx, Queues)
}
