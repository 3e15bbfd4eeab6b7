"""Gift and take: members pass on pre-loved items (listings, requests, handovers, photos
without metadata); a shop can hold listings for donors."""
