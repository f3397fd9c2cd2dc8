<?php

return ['default' => 'array', 'mailers' => ['array' => ['transport' => 'array']], 'from' => ['address' => 'app@example.test', 'name' => 'App']];
