#pragma once

// ABP's own tables, written the way the ABP server writes them, and what the product reads
// of them.
#include "core/db/auditwriter.h"
#include "core/db/backgroundjobwriter.h"
#include "core/db/database.h"
#include "core/db/embeddedseed.h"
#include "core/db/eventoutboxwriter.h"
#include "core/db/identityreader.h"
#include "core/db/keyringstore.h"
#include "core/db/securitylogwriter.h"
