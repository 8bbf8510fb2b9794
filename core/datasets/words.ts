/**
 * The vocabulary of synthetic prompts: 256 common English words, letters
 * only and at most 10 letters each, so that under llmload's token rule
 * (core/tokens/estimate.ts) every word, with its leading space, is exactly
 * one token; real BPE tokenizers also count most of them as one.
 */
export const WORDS: readonly string[] = Object.freeze([
  'time', 'year', 'people', 'way', 'day', 'man', 'thing', 'woman', 'life', 'child', 'world', 'school',
  'state', 'family', 'student', 'group', 'country', 'problem', 'hand', 'part', 'place', 'case', 'week',
  'company', 'system', 'program', 'question', 'work', 'government', 'number', 'night', 'point', 'home',
  'water', 'room', 'mother', 'area', 'money', 'story', 'fact', 'month', 'lot', 'right', 'study', 'book',
  'eye', 'job', 'word', 'business', 'issue', 'side', 'kind', 'head', 'house', 'service', 'friend', 'father',
  'power', 'hour', 'game', 'line', 'end', 'member', 'law', 'car', 'city', 'community', 'name', 'president',
  'team', 'minute', 'idea', 'kid', 'body', 'back', 'parent', 'face', 'others', 'level', 'office', 'door',
  'health', 'person', 'art', 'war', 'history', 'party', 'result', 'change', 'morning', 'reason', 'research',
  'girl', 'guy', 'moment', 'air', 'teacher', 'force', 'education', 'foot', 'boy', 'age', 'policy', 'process',
  'music', 'market', 'sense', 'nation', 'plan', 'college', 'interest', 'death', 'experience', 'effect',
  'class', 'control', 'care', 'field', 'role', 'effort', 'rate', 'heart', 'drug', 'show', 'leader', 'light',
  'voice', 'wife', 'police', 'mind', 'price', 'report', 'decision', 'son', 'view', 'town', 'road', 'arm',
  'difference', 'value', 'building', 'action', 'model', 'season', 'society', 'tax', 'director', 'position',
  'player', 'record', 'paper', 'space', 'ground', 'form', 'event', 'official', 'matter', 'center', 'couple',
  'site', 'project', 'activity', 'star', 'table', 'need', 'court', 'oil', 'situation', 'cost', 'industry',
  'figure', 'street', 'image', 'phase', 'stock', 'film', 'page', 'bird', 'river', 'cloud', 'stone', 'garden',
  'window', 'letter', 'bridge', 'island', 'forest', 'engine', 'signal', 'pattern', 'answer', 'method',
  'theory', 'detail', 'energy', 'memory', 'animal', 'desert', 'ocean', 'planet', 'summer', 'winter',
  'spring', 'autumn', 'castle', 'harbor', 'valley', 'meadow', 'canyon', 'glacier', 'lantern', 'pencil',
  'rocket', 'silver', 'copper', 'marble', 'velvet', 'cotton', 'timber', 'ribbon', 'candle', 'mirror',
  'basket', 'blanket', 'button', 'carpet', 'ladder', 'needle', 'pillow', 'saddle', 'tunnel', 'wallet',
  'anchor', 'barrel', 'camera', 'cannon', 'circus', 'dragon', 'falcon', 'goblet', 'hammer', 'jacket',
  'kettle', 'lizard', 'magnet', 'napkin', 'orchid', 'parrot', 'quartz', 'rabbit', 'salmon', 'tomato',
  'violin', 'walrus', 'yogurt', 'zipper',
]);
