"""Career frameworks: tracks, levels, competencies and what each level expects, as versioned data."""
