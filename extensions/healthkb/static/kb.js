// healthkb: site-wide behaviour. Features add their own handlers below.
"use strict";
