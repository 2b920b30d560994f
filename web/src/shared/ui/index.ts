export { Button } from './Button';
export { TextField, SelectField } from './Field';
export { ProblemBanner, SuccessBanner, problemOf, fieldError } from './ProblemBanner';
export { DataTable, type Column } from './DataTable';
export { LiveBadge } from './LiveBadge';
export { Header } from './Header';
export { ProductTile } from './ProductTile';
export { TierBadge } from './TierBadge';
export { ChannelIcon } from './ChannelIcon';
