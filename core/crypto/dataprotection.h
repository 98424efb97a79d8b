#pragma once

// Everything of token protection in one include.

#include "core/crypto/authenticatedencryption.h"
#include "core/crypto/dataprotector.h"
#include "core/crypto/keyring.h"
