#pragma once

// The module's own tables.
#include "core/db/brandaccountrepository.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/notificationrepository.h"
#include "core/db/pendingauthorizationrepository.h"
#include "core/db/providerconfigrepository.h"
